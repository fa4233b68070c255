"""The report page and its Excel download (GET only; both audited like the list export)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from loopdesk.accounts.models import AuditLog
from loopdesk.core.errors import NotAllowed, ValidationFailed
from loopdesk.reports import excel, page
from loopdesk.reports.figures import compute
from loopdesk.reports.query import check_reports, parse
from loopdesk.web.views.common import client_ip, refused, staff_view


@require_GET
@staff_view
def report(request: HttpRequest) -> HttpResponse:
    try:
        check_reports(request.user)
    except NotAllowed as exc:
        return refused(request, exc)
    form = parse(request.user, request.GET)
    try:
        q = form.report_query()
    except ValidationFailed:
        # The form shows its field errors; the figures wait for valid input.
        return render(request, "reports/report.html", {"nav": "reports", "form": form, "figures": None}, status=400)
    figures = compute(q)
    return render(request, "reports/report.html", {
        "nav": "reports", "form": form, "figures": figures, "view": page.build(figures),
        "export_url": reverse("reports:export") + "?" + urlencode(q.params),
    })


@require_GET
@staff_view
def export(request: HttpRequest) -> HttpResponse:
    try:
        check_reports(request.user)
        q = parse(request.user, request.GET).report_query()
    except (NotAllowed, ValidationFailed) as exc:
        return refused(request, exc)
    figures = compute(q)
    out = excel.write(figures)
    AuditLog.objects.create(actor=request.user, action="export", target="report", ip=client_ip(request),
                            detail={"query": q.params, "complaints": figures.total, "format": "xlsx"})
    name = f"report-{q.first_day:%Y%m%d}-{q.last_day:%Y%m%d}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
