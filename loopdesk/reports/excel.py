"""The report as an Excel workbook: one sheet per table of the page, numbers as numbers."""

from __future__ import annotations

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from loopdesk.reports.figures import DIMENSIONS, DISTRIBUTIONS, Durations, Figures, Rate
from loopdesk.reports.page import bucket_label

PCT = "0.0%"
BOLD = Font(bold=True)


def write(f: Figures):
    """A temporary file holding the workbook, positioned at its start."""
    wb = Workbook()
    _summary(wb.active, f)
    _trend(wb.create_sheet(_("Trend")), f)
    _priorities(wb.create_sheet(_("By priority")), f)
    _distributions(wb.create_sheet(_("Distribution")), f)
    _top(wb.create_sheet(_("Top problem types")), f)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    wb.save(out)
    out.seek(0)
    return out


def _text(value: str) -> str:
    # Labels come from configuration and customer data (regions, products): never a formula.
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + value if value.startswith("=") else value


def _header(ws, *names: str) -> None:
    ws.append([str(n) for n in names])
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _rate_row(ws, label: str, rate: Rate) -> None:
    ws.append([label, rate.value, rate.hits, rate.total, rate.target])
    ws.cell(ws.max_row, 2).number_format = PCT
    ws.cell(ws.max_row, 5).number_format = PCT


def _minutes(v: float | None) -> float | None:
    return None if v is None else round(v / 60, 1)


def _times_row(ws, label: str, d: Durations) -> None:
    ws.append([label, d.count, _minutes(d.avg), _minutes(d.p50), _minutes(d.p90)])


def _summary(ws, f: Figures) -> None:
    q = f.query
    ws.title = _("Summary")
    ws.column_dimensions["A"].width = 36
    ws.append([_("Loopdesk report"), f"{q.first_day:%Y-%m-%d} – {q.last_day:%Y-%m-%d}"])
    ws["A1"].font = BOLD
    ws.append([_("Filters"), ", ".join(f"{k}={_text(v)}" for k, v in q.params.items()
                                       if k not in ("period", "bucket", "date", "date_from", "date_to")) or "–"])
    ws.append([_("Created"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    ws.append([])
    ws.append([_("Complaints received"), f.total])
    ws.append([_("Previous period"), f.previous_total])
    ws.append([_("Cancelled"), f.cancelled])
    ws.append([])
    _header(ws, _("Rate"), _("Value"), _("Count"), _("Out of"), _("Target"))
    _rate_row(ws, _("On-time first response"), f.on_time_response)
    _rate_row(ws, _("On-time resolution"), f.on_time_resolution)
    _rate_row(ws, _("Satisfied customers"), f.satisfaction)
    _rate_row(ws, _("Survey response rate"), f.survey_response)
    _rate_row(ws, _("Repeat complaints"), f.repeat)
    _rate_row(ws, _("Complete records"), f.completeness)
    _rate_row(ws, _("Registered within 15 min"), f.registered_in_time)
    ws.append([])
    _header(ws, _("Measure"), _("Complaints"), _("Average (min)"), _("Median (min)"), _("p90 (min)"))
    _times_row(ws, _("First response"), f.first_response)
    _times_row(ws, _("Handling (received to resolved)"), f.handling)
    _times_row(ws, _("Registration delay"), f.registration)


def _trend(ws, f: Figures) -> None:
    _header(ws, _("Period"), _("Starts"), _("Complaints"))
    for p in f.trend:
        ws.append([bucket_label(p.start, f.query.bucket), timezone.localtime(p.start).replace(tzinfo=None), p.count])
        ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd hh:mm"
    ws.column_dimensions["B"].width = 18


def _priorities(ws, f: Figures) -> None:
    dims = [str(v) for v in DIMENSIONS.values()]
    _header(ws, _("Priority"), _("Complaints"), _("On-time first response"), _("On-time resolution"),
            _("First response p50 (min)"), _("First response p90 (min)"), _("Handling p50 (min)"),
            _("Handling p90 (min)"), _("Satisfaction"), _("Satisfaction target"), *dims, _("Ratings"))
    for p in f.by_priority:
        ws.append([p.label, p.count, p.on_time_response.value, p.on_time_resolution.value,
                   _minutes(p.first_response.p50), _minutes(p.first_response.p90), _minutes(p.handling.p50),
                   _minutes(p.handling.p90), p.satisfaction.value, p.satisfaction.target,
                   *[p.dimensions[d].value for d in DIMENSIONS], p.satisfaction.total])
        for col in (3, 4, 9, 10, *range(11, 11 + len(dims))):
            ws.cell(ws.max_row, col).number_format = PCT
    ws.column_dimensions["A"].width = 14


def _distributions(ws, f: Figures) -> None:
    for name, (_column, title) in DISTRIBUTIONS.items():
        _header(ws, str(title), _("Complaints"), _("Share"))
        for s in f.distributions[name]:
            ws.append([_text(s.label), s.count, s.share])
            ws.cell(ws.max_row, 3).number_format = PCT
        ws.append([])
    ws.column_dimensions["A"].width = 28


def _top(ws, f: Figures) -> None:
    _header(ws, _("Problem type"), _("Complaints"), _("Share"))
    for s in f.top_types:
        ws.append([_text(s.label), s.count, s.share])
        ws.cell(ws.max_row, 3).number_format = PCT
    ws.column_dimensions["A"].width = 28
