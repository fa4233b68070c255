"""REST API for monitoring: alerts (list, acknowledge) and data checks (findings, correct, dismiss,
scan, monthly review). Registered in loopdesk/api/root.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from loopdesk.api.schemas import Strict
from loopdesk.core.errors import NotFound, ValidationFailed
from loopdesk.monitoring import alerts as alert_actions
from loopdesk.monitoring import checks, corrections, review
from loopdesk.monitoring.access import require_act, require_read, visible_alerts, visible_findings
from loopdesk.monitoring.models import Alert, AlertKind, Finding, FindingStatus

router = Router(tags=["monitoring"])
MAX_LIMIT = 100


class AlertOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    complaint: str | None
    dimension: str
    subject: str
    window_start: datetime | None
    window_end: datetime | None
    observed: int | None
    baseline_mean: float | None
    baseline_sd: float | None
    threshold: float | None
    created_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    ack_note: str


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: int | None


class AlertFilters(Schema):
    acknowledged: bool | None = None
    kind: str | None = None
    cursor: int | None = None
    limit: int = 25


class AckIn(Strict):
    note: str


class FindingOut(Schema):
    id: int
    check: str
    check_label: str
    complaint: str
    detail: dict[str, Any]
    found_at: datetime
    status: str
    closed_by: str | None
    closed_at: datetime | None
    reason: str
    changes: dict[str, Any]
    verified_at: datetime | None
    correctable_fields: list[str]


class FindingPage(Schema):
    items: list[FindingOut]
    next_cursor: int | None


class FindingFilters(Schema):
    status: str | None = None
    check: str | None = None
    cursor: int | None = None
    limit: int = 25


class CorrectIn(Strict):
    changes: dict[str, Any]
    reason: str


class DismissIn(Strict):
    reason: str


class ScanIn(Strict):
    # Strict: a ninja Schema whose fields are all optional would otherwise accept any JSON value (a list…).
    checks: list[str] | None = None


class ScanOut(Schema):
    results: dict[str, dict[str, int]]


class CheckOut(Schema):
    name: str
    label: str
    description: str
    correctable_fields: list[str]


class ReviewRowOut(Schema):
    check: str
    label: str
    found: int
    corrected: int
    dismissed: int
    cleared: int
    still_open: int
    open_now: int


class ReviewOut(Schema):
    month: date
    start: datetime
    end: datetime
    rows: list[ReviewRowOut]
    totals: dict[str, int]


def _limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))


def alert_out(a: Alert) -> dict:
    title, body = alert_actions.text(a)
    return {"id": a.pk, "kind": a.kind, "title": title, "body": body,
            "complaint": a.complaint.number if a.complaint_id else None, "dimension": a.dimension,
            "subject": a.subject_label, "window_start": a.window_start, "window_end": a.window_end,
            "observed": a.observed, "baseline_mean": a.baseline_mean, "baseline_sd": a.baseline_sd,
            "threshold": a.threshold, "created_at": a.created_at,
            "acknowledged_by": a.acknowledged_by.username if a.acknowledged_by_id else None,
            "acknowledged_at": a.acknowledged_at, "ack_note": a.ack_note}


def finding_out(f: Finding) -> dict:
    check = checks.CHECKS.get(f.check_name)
    return {"id": f.pk, "check": f.check_name, "check_label": checks.label(f.check_name),
            "complaint": f.complaint.number, "detail": f.detail, "found_at": f.found_at, "status": f.status,
            "closed_by": f.closed_by.username if f.closed_by_id else None, "closed_at": f.closed_at,
            "reason": f.reason, "changes": f.changes, "verified_at": f.verified_at,
            "correctable_fields": list(check.fields) if check else []}


@router.get("/alerts", response=AlertPage)
def list_alerts(request, filters: Query[AlertFilters]):
    """Newest first; `acknowledged=false` for the ones still waiting. Pass `next_cursor` back as `cursor`."""
    require_read(request.auth)
    _limit(filters.limit)
    qs = visible_alerts(request.auth).select_related("complaint", "acknowledged_by")
    if filters.acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not filters.acknowledged)
    if filters.kind:
        if filters.kind not in AlertKind.values:
            raise ValidationFailed.single("kind", _("Unknown alert kind."))
        qs = qs.filter(kind=filters.kind)
    if filters.cursor:
        qs = qs.filter(id__lt=filters.cursor)
    rows = list(qs.order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [alert_out(a) for a in rows], "next_cursor": rows[-1].pk if more and rows else None}


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request, alert_id: int, payload: AckIn):
    return alert_out(alert_actions.acknowledge(alert_id, actor=request.auth, note=payload.note))


@router.get("/data-checks", response=list[CheckOut])
def list_checks(request):
    require_read(request.auth)
    return [{"name": c.name, "label": str(c.label), "description": str(c.description),
             "correctable_fields": list(c.fields)} for c in checks.CHECKS.values()]


@router.post("/data-checks/scan", response=ScanOut)
def run_scan(request, payload: ScanIn):
    """Run the checks now (all, or the ones named) and return what each found, left open and cleared."""
    require_act(request.auth)
    unknown = sorted(set(payload.checks or []) - set(checks.CHECKS))
    if unknown:
        raise ValidationFailed.single("checks", _("Unknown data check: %(names)s.") % {"names": ", ".join(unknown)})
    return {"results": {n: r.as_dict() for n, r in checks.scan(payload.checks or None).items()}}


@router.get("/data-checks/findings", response=FindingPage)
def list_findings(request, filters: Query[FindingFilters]):
    require_read(request.auth)
    _limit(filters.limit)
    qs = visible_findings(request.auth).select_related("complaint", "closed_by")
    if filters.status:
        if filters.status not in FindingStatus.values:
            raise ValidationFailed.single("status", _("Unknown status."))
        qs = qs.filter(status=filters.status)
    if filters.check:
        if filters.check not in checks.CHECKS:
            raise ValidationFailed.single("check", _("Unknown data check: %(names)s.") % {"names": filters.check})
        qs = qs.filter(check_name=filters.check)
    if filters.cursor:
        qs = qs.filter(id__lt=filters.cursor)
    rows = list(qs.order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [finding_out(f) for f in rows], "next_cursor": rows[-1].pk if more and rows else None}


@router.get("/data-checks/findings/{finding_id}", response=FindingOut)
def get_finding(request, finding_id: int):
    require_read(request.auth)
    f = visible_findings(request.auth).select_related("complaint", "closed_by").filter(pk=finding_id).first()
    if f is None:
        raise NotFound(_("Finding not found."))
    return finding_out(f)


@router.post("/data-checks/findings/{finding_id}/correct", response=FindingOut)
def correct_finding(request, finding_id: int, payload: CorrectIn):
    """Change the fields the finding is about (see `correctable_fields`); the reason goes on the timeline."""
    f = corrections.correct(finding_id, actor=request.auth, changes=payload.changes, reason=payload.reason)
    return finding_out(Finding.objects.select_related("complaint", "closed_by").get(pk=f.pk))


@router.post("/data-checks/findings/{finding_id}/dismiss", response=FindingOut)
def dismiss_finding(request, finding_id: int, payload: DismissIn):
    f = corrections.dismiss(finding_id, actor=request.auth, reason=payload.reason)
    return finding_out(Finding.objects.select_related("complaint", "closed_by").get(pk=f.pk))


@router.get("/data-checks/review", response=ReviewOut)
def monthly_review(request, month: str | None = None):
    """The monthly review: per check, findings opened, corrected, dismissed, cleared and still open."""
    r = review.monthly_review(request.auth, review.parse_month(month))
    return {"month": r.month, "start": r.start, "end": r.end, "rows": [vars(row) for row in r.rows],
            "totals": r.totals}
