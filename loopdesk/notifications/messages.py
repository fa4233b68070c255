"""What each notification says. Stored messages keep only the event and its parameters, so every
reader sees them in their own language at the time they read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# event → (title, body). Parameters: number, target, due, since, from_level, to_level, reason, person.
TEMPLATES: dict[str, tuple[Any, Any]] = {
    "deadline.reminder": (
        _("Due soon: %(number)s"),
        _("The %(target)s target of complaint %(number)s is due at %(due)s."),
    ),
    "deadline.missed": (
        _("Deadline missed: %(number)s"),
        _("The %(target)s target of complaint %(number)s was due at %(due)s."),
    ),
    "complaint.escalated": (
        _("Escalated to you: %(number)s"),
        _("Complaint %(number)s was escalated from L%(from_level)s to L%(to_level)s (%(reason)s). "
          "Next deadline: %(due)s."),
    ),
    "complaint.assigned": (
        _("Assigned to you: %(number)s"),
        _("Complaint %(number)s is now yours. Accept it by %(due)s."),
    ),
    "alert.high_risk": (
        _("High-risk complaint: %(number)s"),
        _("Complaint %(number)s is high risk or asks for a large amount; it goes to L%(to_level)s."),
    ),
    "alert.review_overdue": (
        _("Escalation not reviewed: %(number)s"),
        _("Nobody at L%(level)s reviewed the escalation of complaint %(number)s by %(due)s."),
    ),
    "alert.unassigned": (
        _("Unassigned complaint: %(number)s"),
        _("Complaint %(number)s has had no owner since %(since)s."),
    ),
    "alert.unaccepted": (
        _("Not accepted: %(number)s"),
        _("Complaint %(number)s was not accepted by %(due)s."),
    ),
    "alert.overdue": (
        _("Overdue at the top level: %(number)s"),
        _("The %(target)s target of complaint %(number)s was due at %(due)s and it is already at L3."),
    ),
    "improvement.action_overdue": (
        _("Improvement action overdue: #%(action_id)s"),
        _("The improvement action “%(measure)s” (owner %(owner)s) was due on %(due_date)s and is not done."),
    ),
    "alert.callback_overdue": (
        _("Callback overdue: %(number)s"),
        _("Complaint %(number)s was resolved but the customer has not been called back (due %(due)s)."),
    ),
    "alert.burst": (
        _("Complaint burst: %(subject)s"),
        _("%(count)s complaints about %(subject)s in the last %(hours)s hours; usually %(mean)s "
          "(alert above %(threshold)s)."),
    ),
}


def _when(value: Any) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def render(event: str, params: dict[str, Any]) -> tuple[str, str]:
    """(title, body) in the active language."""
    from loopdesk.deadlines.models import DeadlineKind

    values = {k: ("" if v is None else v) for k, v in params.items()}
    if "target" in params:
        try:
            values["target"] = str(DeadlineKind(params["target"]).label).lower()
        except ValueError:
            values["target"] = params["target"]
    for key in ("due", "since"):
        values[key] = _when(params.get(key))
    values.setdefault("number", "")
    title, body = TEMPLATES.get(event, (event, ""))
    try:
        return str(title) % values, str(body) % values
    except (KeyError, TypeError, ValueError):
        # A message stored before its template changed must still show, if only as its event name.
        return event, ""
