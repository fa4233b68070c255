"""Monitoring pages: the alert list and acknowledgement, data-check findings with correction and
dismissal, and the monthly review. Views parse, call one domain function and render."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loopdesk.complaints.access import visible_complaints
from loopdesk.core.errors import NotFound, ValidationFailed
from loopdesk.monitoring import alerts as alert_actions
from loopdesk.monitoring import burst, checks, corrections, review
from loopdesk.monitoring.access import can_act, require_act, require_read, visible_alerts, visible_findings
from loopdesk.monitoring.forms import AckForm, CorrectionForm, DismissForm
from loopdesk.monitoring.models import Alert, AlertKind, Finding, FindingStatus
from loopdesk.web.views.common import add_domain_errors, guarded_view

PAGE = 50


def _page(qs, before: str | None) -> tuple[list, int | None]:
    """Newest first, PAGE rows; the id to pass as ?before= for the next page."""
    if before and before.isdigit():
        qs = qs.filter(id__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE + 1])
    return rows[:PAGE], (rows[PAGE - 1].pk if len(rows) > PAGE else None)


def _rows(alerts: list[Alert]) -> list[dict]:
    return [{"alert": a, "title": alert_actions.text(a)[0]} for a in alerts]


@require_GET
@guarded_view
def alert_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_read(user)
    show = request.GET.get("show", "open")
    kind = request.GET.get("kind", "")
    qs = visible_alerts(user).select_related("complaint", "acknowledged_by")
    if show != "all":
        qs = qs.filter(acknowledged_at__isnull=True)
    if kind in AlertKind.values:
        qs = qs.filter(kind=kind)
    rows, next_before = _page(qs, request.GET.get("before"))
    return render(request, "monitoring/alerts.html", {
        "nav": "monitoring", "rows": _rows(rows), "show": show, "kind": kind, "kinds": AlertKind.choices,
        "next_before": next_before, "can_act": can_act(user), "ack_form": AckForm(),
    })


@require_GET
@guarded_view
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    require_read(user)
    alert = visible_alerts(user).select_related("complaint", "acknowledged_by").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("Alert not found."))
    title, body = alert_actions.text(alert)
    counted = list(visible_complaints(user, burst.complaints_of(alert))
                   .select_related("customer", "problem_type", "department", "owner").order_by("-received_at")[:50])
    return render(request, "monitoring/alert.html", {
        "nav": "monitoring", "alert": alert, "title": title, "body": body, "counted": counted,
        "can_act": can_act(user), "ack_form": AckForm(),
    })


@require_POST
@guarded_view
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    back = request.POST.get("next") or reverse("monitoring:alerts")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("monitoring:alerts")
    try:
        alert_actions.acknowledge(alert_id, actor=request.user, note=request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for msgs in exc.errors.values() for m in msgs))
        return redirect(back)
    messages.success(request, _("Alert acknowledged."))
    return redirect(back)


@require_GET
@guarded_view
def finding_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_read(user)
    status = request.GET.get("status", FindingStatus.OPEN)
    check = request.GET.get("check", "")
    qs = visible_findings(user).select_related("complaint", "closed_by")
    if status in FindingStatus.values:
        qs = qs.filter(status=status)
    if check in checks.CHECKS:
        qs = qs.filter(check_name=check)
    rows, next_before = _page(qs, request.GET.get("before"))
    return render(request, "monitoring/findings.html", {
        "nav": "monitoring", "rows": [finding_row(f) for f in rows], "status": status, "check": check,
        "statuses": FindingStatus.choices, "checks": [(c.name, c.label) for c in checks.CHECKS.values()],
        "next_before": next_before, "can_act": can_act(user),
    })


def finding_row(f: Finding) -> dict:
    """A finding as the findings list and the complaint page show it."""
    return {"finding": f, "label": checks.label(f.check_name), "detail": checks.describe(f.check_name, f.detail)}


@require_POST
@guarded_view
def scan_now(request: HttpRequest) -> HttpResponse:
    require_act(request.user)
    result = checks.scan()
    messages.success(request, _("Data checks done: %(found)d new, %(cleared)d no longer found.")
                     % {"found": sum(r.found for r in result.values()),
                        "cleared": sum(r.cleared for r in result.values())})
    return redirect("monitoring:findings")


def _finding(request: HttpRequest, finding_id: int) -> Finding:
    require_read(request.user)
    f = (visible_findings(request.user).select_related("complaint", "complaint__customer", "complaint__problem_type",
                                                       "complaint__repeat_of", "closed_by")
         .filter(pk=finding_id).first())
    if f is None:
        raise NotFound(_("Finding not found."))
    return f


def _shown(value: object) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
    return str(value)


def _change_rows(changes: dict) -> list[dict[str, str]]:
    before, after = changes.get("before") or {}, changes.get("after") or {}
    return [{"field": checks.field_label(k), "before": _shown(before.get(k)) if before.get(k) else "",
             "after": _shown(v)} for k, v in after.items()]


def _finding_page(request: HttpRequest, f: Finding, form: CorrectionForm | None = None,
                  dismiss_form: DismissForm | None = None, status: int = 200) -> HttpResponse:
    check = checks.CHECKS[f.check_name]
    return render(request, "monitoring/finding.html", {
        "nav": "monitoring", **finding_row(f), "check": check, "c": f.complaint,
        "change_rows": _change_rows(f.changes),
        "form": form or CorrectionForm(check, f.complaint), "dismiss_form": dismiss_form or DismissForm(),
        "can_act": can_act(request.user) and f.status == FindingStatus.OPEN,
    }, status=status)


@require_GET
@guarded_view
def finding_page(request: HttpRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, _finding(request, finding_id))


@require_POST
@guarded_view
def correct(request: HttpRequest, finding_id: int) -> HttpResponse:
    f = _finding(request, finding_id)
    form = CorrectionForm(checks.CHECKS[f.check_name], f.complaint, request.POST)
    if form.is_valid():
        try:
            corrections.correct(f.pk, actor=request.user, changes=form.changes(), reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Corrected and verified: %(number)s no longer fails this check.")
                             % {"number": f.complaint.number})
            return redirect("monitoring:finding", finding_id=f.pk)
    return _finding_page(request, f, form=form, status=400)


@require_POST
@guarded_view
def dismiss(request: HttpRequest, finding_id: int) -> HttpResponse:
    f = _finding(request, finding_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            corrections.dismiss(f.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Finding dismissed."))
            return redirect("monitoring:finding", finding_id=f.pk)
    return _finding_page(request, f, dismiss_form=form, status=400)


@require_GET
@guarded_view
def review_page(request: HttpRequest) -> HttpResponse:
    month = review.parse_month(request.GET.get("month"))
    r = review.monthly_review(request.user, month)
    prev = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render(request, "monitoring/review.html", {
        "nav": "monitoring", "review": r, "totals": r.totals, "month": month, "prev": prev, "next": nxt,
    })
