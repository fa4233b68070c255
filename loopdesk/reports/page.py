"""What the report page draws from the figures: charts with their summaries, rows for the tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from loopdesk.reports import charts
from loopdesk.reports.figures import DIMENSIONS, DISTRIBUTIONS, Figures, Rate, Share
from loopdesk.reports.templatetags.reports import percent


@dataclass
class Distribution:
    name: str
    title: str
    rows: list[Share]
    chart: SafeString


def bucket_label(at, bucket: str) -> str:
    local = timezone.localtime(at)
    if bucket == "hour":
        return local.strftime("%H:00")
    if bucket == "month":
        return local.strftime("%Y-%m")
    return local.strftime("%m-%d")


def build(f: Figures) -> dict:
    q = f.query
    labels = [bucket_label(p.start, q.bucket) for p in f.trend]
    counts = [p.count for p in f.trend]
    busiest = max(f.trend, key=lambda p: p.count, default=None)
    trend_desc = _("%(total)s complaints from %(first)s to %(last)s.") % {
        "total": f.total, "first": formats.date_format(q.first_day, "SHORT_DATE_FORMAT"),
        "last": formats.date_format(q.last_day, "SHORT_DATE_FORMAT")}
    if busiest and busiest.count:
        trend_desc += " " + _("Busiest: %(when)s with %(n)s.") % {"when": bucket_label(busiest.start, q.bucket),
                                                                   "n": busiest.count}
    distributions = []
    for name, (_column, title) in DISTRIBUTIONS.items():
        rows = f.distributions[name]
        items = [charts.Bar(r.label, r.share, f"{r.count} · {percent(r.share)}") for r in rows]
        desc = "; ".join(f"{r.label} {percent(r.share)}" for r in rows[:5])
        distributions.append(Distribution(name, str(title), rows, charts.bars(
            items, title=_("Complaints by %(dimension)s") % {"dimension": str(title).lower()}, desc=desc,
            chart_id=f"chart-{name}", scale=1.0)))
    top = [charts.Bar(s.label, s.share, percent(s.share)) for s in f.top_types]
    return {
        "trend_labels": list(zip(labels, counts, strict=True)),
        "trend_chart": charts.columns(labels, counts, title=_("Complaints received over time"), desc=trend_desc,
                                      chart_id="chart-trend"),
        "distributions": distributions,
        "top_chart": charts.bars(top, title=_("Top problem types"), chart_id="chart-top",
                                 desc="; ".join(f"{s.label} {percent(s.share)}" for s in f.top_types), scale=1.0),
        "rates_chart": _rates_chart(f),
        "dimension_labels": [(k, str(v)) for k, v in DIMENSIONS.items()],
    }


def _rate_bar(label: str, rate: Rate) -> charts.Bar:
    return charts.Bar(label, rate.value or 0, percent(rate.value), rate.target, rate.meets is False)


def _rates_chart(f: Figures) -> SafeString:
    items = []
    for p in f.by_priority:
        items.append(_rate_bar(_("%(p)s on-time response") % {"p": p.priority}, p.on_time_response))
        items.append(_rate_bar(_("%(p)s on-time resolution") % {"p": p.priority}, p.on_time_resolution))
        items.append(_rate_bar(_("%(p)s satisfaction") % {"p": p.priority}, p.satisfaction))
    items.append(_rate_bar(_("Survey response"), f.survey_response))
    items.append(_rate_bar(_("Record completeness"), f.completeness))
    desc = _("Rates per priority against their targets; a dashed line marks the target, red bars miss it.")
    return charts.bars(items, title=_("Rates against targets"), desc=desc, chart_id="chart-rates", scale=1.0,
                       label_w=230)
