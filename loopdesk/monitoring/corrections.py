"""Correcting and dismissing data-check findings (SPEC §6: corrected with a reason, re-verified).

A correction edits only the fields its check is about, in one transaction with a lock on the
complaint: the change, a "field changed" event on the complaint's timeline carrying the reason,
then the checks run again on that complaint. If the finding's check still fails, or the change
breaks another check, everything is rolled back and the monitor is told why; otherwise the finding
is closed as corrected and verified. Statuses are never edited here: a wrong status goes through
the workflow actions. Deadline clocks keep their due times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.classification.models import ProblemType
from loopdesk.complaints import hooks
from loopdesk.complaints.models import Complaint, EventKind
from loopdesk.complaints.timeline import event
from loopdesk.core.errors import Conflict, NotFound, ValidationFailed
from loopdesk.monitoring import checks
from loopdesk.monitoring.access import require_act, visible_findings
from loopdesk.monitoring.models import Finding, FindingStatus

REQUIRED_TIMES = {"received_at"}
TEXTS = {"subject": 200, "description": 20000, "resolution_summary": 20000}
CONTACT = {"customer_phone": "phone", "customer_email": "email", "customer_member_no": "member_no"}


def _open_finding(finding_id: int, actor: User) -> Finding:
    finding = visible_findings(actor).select_for_update(of=("self",)).filter(pk=finding_id).first()
    if finding is None:
        raise NotFound(_("Finding not found."))
    if finding.status != FindingStatus.OPEN:
        raise Conflict(_("This finding is already closed."))
    return finding


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.single("reason", _("Give the reason for the correction."))
    return reason


def _time(name: str, raw: Any, errors: dict) -> datetime | None:
    if isinstance(raw, datetime):
        value: datetime | None = raw
    elif raw in (None, ""):
        value = None
    else:
        value = parse_datetime(str(raw).strip())
        if value is None:
            errors[name] = [_("Enter a date and time, e.g. 2026-11-23 09:30.")]
            return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value is None and name in REQUIRED_TIMES:
        errors[name] = [_("This field is required.")]
    if value is not None and value > timezone.now() + checks.REGISTRATION_SKEW:
        errors[name] = [_("The time cannot be in the future.")]
    return value


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _apply(c: Complaint, changes: dict[str, Any], allowed: tuple[str, ...]) -> tuple[dict, dict, list[str], list]:
    """Validate and set the changes on the complaint (and its customer); nothing is saved here."""
    errors: dict[str, list] = {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    fields: list[str] = []
    customer_fields: list[str] = []
    for name, raw in changes.items():
        if name not in allowed:
            errors[name] = [_("This field cannot be changed to correct this finding.")]
            continue
        if name in checks.TIMES:
            new: Any = _time(name, raw, errors)
            old = getattr(c, name)
        elif name in TEXTS:
            new = str(raw or "").strip()
            if len(new) > TEXTS[name]:
                errors[name] = [_("The text is too long.")]
            old = getattr(c, name)
        elif name == "problem_type":
            new = ProblemType.objects.filter(code=str(raw or ""), active=True).first()
            if new is None:
                errors[name] = [_("Unknown problem type.")]
            old = c.problem_type
            if old != new:
                before[name], after[name] = (old.code if old else None), (new.code if new else None)
                c.problem_type = new
                fields.append("problem_type")
            continue
        elif name in CONTACT:
            new = str(raw or "").strip()[:254]
            old = getattr(c.customer, CONTACT[name])
            if old != new:
                before[name], after[name] = old, new
                setattr(c.customer, CONTACT[name], new)
                customer_fields.append(CONTACT[name])
            continue
        elif name == "repeat_of":
            number = str(raw or "").strip()
            new = Complaint.objects.filter(number=number).exclude(pk=c.pk).first() if number else None
            if number and new is None:
                errors[name] = [_("Complaint %(number)s not found.") % {"number": number}]
            old = c.repeat_of
            if old != new:
                before[name], after[name] = (old.number if old else None), (new.number if new else None)
                c.repeat_of, c.is_repeat = new, new is not None or c.is_repeat
                fields += ["repeat_of", "is_repeat"]
            continue
        else:
            errors[name] = [_("This field cannot be changed to correct this finding.")]
            continue
        if old != new:
            before[name], after[name] = _iso(old), _iso(new)
            setattr(c, name, new)
            fields.append(name)
    if errors:
        raise ValidationFailed(errors)
    return before, after, fields, customer_fields


@transaction.atomic
def correct(finding_id: int, *, actor: User, changes: dict[str, Any], reason: str) -> Finding:
    """Edit the fields a finding is about, record why on the timeline, and verify the finding is gone."""
    require_act(actor)
    reason = _reason(reason)
    if not changes:
        raise ValidationFailed.single("changes", _("Change at least one field."))
    finding = _open_finding(finding_id, actor)
    check = checks.get(finding.check_name)
    c = (Complaint.objects.select_for_update(of=("self",)).select_related("customer", "problem_type", "repeat_of")
         .get(pk=finding.complaint_id))
    failing_before = checks.failing(c.pk)
    before, after, fields, customer_fields = _apply(c, changes, check.fields)
    if not after:
        raise ValidationFailed.single("changes", _("These values are the same as before."))
    if fields:
        if "subject" in fields or "description" in fields:
            from loopdesk.complaints.intake import searchable

            c.search_text = searchable(c)
            fields.append("search_text")
        c.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    if customer_fields:
        c.customer.save(update_fields=customer_fields)
    event(c, EventKind.FIELD, actor=actor, action="correct_data", before=before, after=after,
          note=f"{check.label}: {reason}")
    hooks.changed(c, "correct_data", actor, check=check.name)
    failing_after = checks.failing(c.pk)
    if check.name in failing_after:
        raise ValidationFailed.single("changes", _("With these values the complaint still fails the check “%(check)s”.")
                                      % {"check": check.label})
    broken = failing_after - failing_before
    if broken:
        labels = ", ".join(str(checks.get(n).label) for n in sorted(broken))
        raise ValidationFailed.single("changes", _("These values would break another check: %(checks)s.")
                                      % {"checks": labels})
    now = timezone.now()
    finding.status, finding.closed_by, finding.closed_at = FindingStatus.CORRECTED, actor, now
    finding.reason, finding.changes, finding.verified_at = reason, {"before": before, "after": after}, now
    finding.save(update_fields=["status", "closed_by", "closed_at", "reason", "changes", "verified_at"])
    # Other open findings of this complaint that the change also fixed are closed as verified too.
    Finding.objects.filter(complaint_id=c.pk, status=FindingStatus.OPEN).exclude(
        check_name__in=failing_after).update(status=FindingStatus.CLEARED, closed_at=now, verified_at=now)
    return finding


@transaction.atomic
def dismiss(finding_id: int, *, actor: User, reason: str) -> Finding:
    """Close a false alarm with a reason; the same check will not raise it again for this complaint."""
    require_act(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.single("reason", _("Say why this is not a problem."))
    finding = _open_finding(finding_id, actor)
    finding.status, finding.closed_by, finding.closed_at, finding.reason = (
        FindingStatus.DISMISSED, actor, timezone.now(), reason)
    finding.save(update_fields=["status", "closed_by", "closed_at", "reason"])
    return finding
