"""How timeline events read on the staff page: labelled fields, translated values, people by name.

Events store stable codes (field keys, usernames, department codes) so they never change after the
fact; this module turns them into what a person reads, in the page's language. Names are looked up
with one query per kind for the whole timeline, never one per event.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Department, User
from loopdesk.classification.models import Nature, Priority, Risk, Scope, Severity
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.models import (
    Channel,
    CommChannel,
    CompensationKind,
    CustomerResponse,
    Direction,
    SatisfactionSource,
    SolutionStatus,
    Status,
    SubTaskStatus,
)
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.escalation.models import Level, Trigger

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")

# Actions that are not user transitions (system steps and variants of one).
ACTION_LABELS = {
    "register": gettext_lazy("registered"),
    "route": gettext_lazy("routed"),
    "detect_repeat": gettext_lazy("repeat complaint detected"),
    "deadlines_set": gettext_lazy("deadlines set"),
    "deadlines_recomputed": gettext_lazy("deadlines recomputed"),
    "deadlines_paused": gettext_lazy("clock paused"),
    "deadlines_resumed": gettext_lazy("clock resumed"),
    "reopen_dissatisfied": gettext_lazy("reopened: customer dissatisfied"),
    "verify_failed": gettext_lazy("reopened: verification failed"),
    "reject_solution": gettext_lazy("solution rejected"),
    "link_problem": gettext_lazy("grouped into a problem"),
    "unlink_problem": gettext_lazy("removed from a problem"),
    "use_article": gettext_lazy("knowledge article used"),
    "draft_article": gettext_lazy("turned into a knowledge article draft"),
    "anonymise": gettext_lazy("personal data anonymised"),
    "scrub_text": gettext_lazy("personal data masked in free text"),
    "correct_data": gettext_lazy("data corrected after a data check"),
}

FIELD_LABELS = {
    "status": gettext_lazy("status"),
    "priority": gettext_lazy("priority"),
    "channel": gettext_lazy("channel"),
    "problem_type": gettext_lazy("problem type"),
    "department": gettext_lazy("department"),
    "owner": gettext_lazy("owner"),
    "co_handler": gettext_lazy("co-handler"),
    "direction": gettext_lazy("direction"),
    "reaction": gettext_lazy("customer reaction"),
    "next_step": gettext_lazy("next step"),
    "next_step_due": gettext_lazy("next step due"),
    "next_step_owner": gettext_lazy("next step owner"),
    "acceptance": pgettext_lazy("deadline", "acceptance"),
    "first_response": pgettext_lazy("deadline", "first response"),
    "progress": pgettext_lazy("deadline", "progress update"),
    "resolution": pgettext_lazy("deadline", "resolution"),
    "callback": pgettext_lazy("deadline", "callback"),
    "policy": gettext_lazy("SLA policy"),
    "remaining_seconds": gettext_lazy("time left"),
    "customer_told": gettext_lazy("customer told"),
    "due_at": gettext_lazy("due"),
    "level": gettext_lazy("level"),
    "person": pgettext_lazy("escalation", "to"),
    "trigger": gettext_lazy("trigger"),
    "repeat_of": gettext_lazy("repeat of"),
    "attitude": gettext_lazy("service attitude"),
    "communication": gettext_lazy("communication"),
    "response_speed": gettext_lazy("response speed"),
    "result": gettext_lazy("result"),
    "dissatisfied": gettext_lazy("dissatisfied"),
    "source": gettext_lazy("source"),
    "amount": gettext_lazy("amount"),
    "kind": gettext_lazy("compensation"),
    "response": gettext_lazy("customer response"),
    "depends_on": gettext_lazy("depends on"),
    "title": gettext_lazy("title"),
    "passed": gettext_lazy("passed"),
    "process_compliant": gettext_lazy("process compliant"),
    "promise_kept": gettext_lazy("promise kept"),
    "really_resolved": gettext_lazy("really resolved"),
    "severity": gettext_lazy("severity"),
    "scope": gettext_lazy("impact scope"),
    "risk": gettext_lazy("risk"),
    "nature": gettext_lazy("request nature"),
    "problem": gettext_lazy("problem"),
    "article": gettext_lazy("knowledge article"),
    "attachments_deleted": gettext_lazy("attachments deleted"),
    "texts_masked": gettext_lazy("texts masked"),
}

# Value labels: by (event kind, key) first, then by key alone.
_CHOICES_BY_KIND: dict[tuple[str, str], type[TextChoices]] = {
    ("communication", "channel"): CommChannel,
    ("solution", "status"): SolutionStatus,
    ("solution", "kind"): CompensationKind,
    ("solution", "response"): CustomerResponse,
    ("subtask", "status"): SubTaskStatus,
}
_CHOICES: dict[str, Any] = {
    "status": Status, "priority": Priority, "severity": Severity, "scope": Scope, "risk": Risk,
    "nature": Nature, "channel": Channel, "direction": Direction, "source": SatisfactionSource,
    "trigger": Trigger, "level": Level,
}
_PEOPLE = {"owner", "person", "co_handler", "next_step_owner"}
_DEADLINE_NOTES = {
    "reopen": pgettext_lazy("deadline reason", "reopened"),
    "reopen_dissatisfied": pgettext_lazy("deadline reason", "reopened: customer dissatisfied"),
    "verify_failed": pgettext_lazy("deadline reason", "reopened: verification failed"),
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    t = TRANSITIONS.get(action)
    return str(t.label) if t else action.replace("_", " ")


def present(events: list) -> list:
    """Give each event `.label` and `.rows` ([{"field", "before", "after"}]) and return the list."""
    usernames: set[str] = set()
    departments: set[str] = set()
    for e in events:
        for data in (e.before, e.after):
            if isinstance(data, dict):
                for key, value in data.items():
                    if key in _PEOPLE and isinstance(value, str):
                        usernames.add(value)
                    elif key == "department" and isinstance(value, str):
                        departments.add(value)
    names = {u.username: u.label for u in User.objects.filter(username__in=usernames)} if usernames else {}
    depts = ({d.code: local_name(d) for d in Department.objects.filter(code__in=departments)}
             if departments else {})
    for e in events:
        e.label = action_label(e.action) if e.action else ""
        e.rows = _rows(e.kind, e.before, e.after, names, depts)
        if e.kind == "deadline" and e.note in _DEADLINE_NOTES:
            e.note = str(_DEADLINE_NOTES[e.note])
    return events


def local_name(obj: Any) -> str:
    """Chinese name (name_zh) unless the page is in English and the object has an English name."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return getattr(obj, "name_zh", "") or str(obj)


def _rows(kind: str, before: Any, after: Any, names: dict, depts: dict) -> list[dict[str, str]]:
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        if key == "id":
            continue
        label = FIELD_LABELS.get(key)
        rows.append({
            "field": str(label) if label else key.replace("_", " "),
            "before": _value(kind, key, before.get(key), names, depts) if key in before else "",
            "after": _value(kind, key, after.get(key), names, depts) if key in after else "",
        })
    return rows


def _value(kind: str, key: str, value: Any, names: dict, depts: dict) -> str:
    if value is None or value == "":
        return "—"
    choices = _CHOICES_BY_KIND.get((kind, key)) or _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in _PEOPLE and isinstance(value, str):
        return names.get(value, value)
    if key == "department" and isinstance(value, str):
        return depts.get(value, value)
    if key == "problem_type" and isinstance(value, str):
        pt = problem_types_by_code().get(value)
        return pt.display_name if pt else value
    if key == "remaining_seconds" and isinstance(value, dict):
        return ", ".join(f"{FIELD_LABELS.get(k, k)}: {_hours(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, str) and _ISO.match(value):
        try:
            return date_format(timezone.localtime(datetime.fromisoformat(value)), "Y-m-d H:i")
        except ValueError:
            return value
    return str(value)


def _hours(seconds: Any) -> str:
    try:
        minutes = int(seconds) // 60
    except (TypeError, ValueError):
        return str(seconds)
    return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
