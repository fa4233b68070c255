"""Charts as inline SVG drawn on the server: no script, no external library, printable.

Each chart is an <svg role="img"> with a <title> and <desc> summarising it; the page puts the
same figures in a table next to it for screen readers and for copying.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

INK, MUTED, GRID, BAR, TARGET, BAD = "#1b1f24", "#555e69", "#d9dde3", "#0b5cad", "#1a7f37", "#b42318"
FONT = 'font-family="inherit" font-size="12"'


@dataclass
class Bar:
    label: str
    value: float  # what the bar's length shows
    text: str  # what is written at its end (count, share…)
    target: float | None = None  # a mark on the bar's scale, e.g. a rate's target
    miss: bool = False  # drawn in the warning colour (e.g. below its target)


def nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^n at or above value, so the axis ends on a round number."""
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    return next(m * exp for m in (1, 2, 5, 10) if m * exp >= value)


def columns(labels: Sequence[str], values: Sequence[int], *, title: str, desc: str, chart_id: str,
            width: int = 760, height: int = 240) -> SafeString:
    """Vertical bars over time (the trend)."""
    left, right, top, bottom = 44, 8, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max(values, default=0))
    n = max(len(values), 1)
    step = plot_w / n
    gap = min(2.0, step * 0.2)
    parts = [_open(chart_id, title, desc, width, height)]
    for i in range(5):  # horizontal grid lines with their values
        v = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" {FONT}>'
                     f'{_num(v)}</text>')
    every = max(1, math.ceil(n / 12))  # at most ~12 axis labels, whatever the number of buckets
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * v / top_value
        x = left + i * step + gap / 2
        parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                                 f"{x:.1f}", f"{top + plot_h - h:.1f}", f"{max(step - gap, 0.5):.1f}",
                                 f"{h:.1f}", BAR, label, v))
        if i % every == 0:
            parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" fill="{}" {}>{}</text>',
                                     f"{x + step / 2:.1f}", height - bottom + 16, MUTED, mark_safe(FONT), label))  # noqa: S308
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}"/>')
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every text part above is escaped


def bars(items: Sequence[Bar], *, title: str, desc: str, chart_id: str, scale: float | None = None,
         width: int = 520, label_w: int = 150) -> SafeString:
    """Horizontal bars, one per row, labelled on the left; `scale` fixes the full length (1.0 for rates)."""
    text_w, row_h, pad = 90, 24, 6
    plot_w = width - label_w - text_w
    full = scale or nice_max(max((b.value for b in items), default=0))
    height = max(len(items), 1) * row_h + pad * 2
    parts = [_open(chart_id, title, desc, width, height)]
    for i, b in enumerate(items):
        y = pad + i * row_h
        w = plot_w * min(max(b.value, 0) / full, 1) if full else 0
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" fill="{}" {}>{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" fill="{}" {}>{}</text>',
            label_w - 8, y + 16, INK, mark_safe(FONT), _clip(b.label, label_w - 12),  # noqa: S308
            label_w, y + 4, f"{w:.1f}", row_h - 8, BAD if b.miss else BAR, b.label, b.text,
            label_w + w + 6, y + 16, INK, mark_safe(FONT), b.text))  # noqa: S308
        if b.target is not None:
            x = label_w + plot_w * min(b.target / full, 1)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" stroke="{TARGET}" '
                         f'stroke-width="2" stroke-dasharray="3 2"/>')
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every text part above is escaped


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    cid = escape(chart_id)
    return (f'<svg id="{cid}" class="chart" role="img" aria-labelledby="{cid}-t {cid}-d" '
            f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{cid}-t">{escape(title)}</title>'
            f'<desc id="{cid}-d">{escape(desc)}</desc>')


def _clip(label: str, pixels: int) -> str:
    """Shorten a label to about `pixels` wide at 12 px (CJK characters are twice as wide as Latin ones)."""
    width = 0.0
    for i, ch in enumerate(label):
        width += 12 if ord(ch) > 0x2E80 else 6.6
        if width > pixels:
            return label[: max(i - 1, 1)] + "…"
    return label


def _num(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"
