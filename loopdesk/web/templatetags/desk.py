"""Template helpers for the staff pages: masking, local names, durations, timeline changes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from loopdesk.classification.models import Nature, Priority, Risk, Scope, Severity
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints import access
from loopdesk.complaints.models import Channel, Status
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.web.forms.widgets import render_field

register = template.Library()
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")

# Values on the timeline that have a translated label.
_CHOICES: dict[str, Any] = {
    "status": Status, "priority": Priority, "severity": Severity, "scope": Scope, "risk": Risk, "nature": Nature,
    "channel": Channel,
}


@register.filter
def mask_phone(value: str) -> str:
    return access.mask_phone(value) if value else ""


@register.filter
def mask_email(value: str) -> str:
    return access.mask_email(value) if value else ""


@register.filter
def localname(obj: Any) -> str:
    """Chinese name (name_zh) unless the page is in English and the object has an English name."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return getattr(obj, "name_zh", "") or str(obj)


@register.filter
def duration(delta: timedelta | None) -> str:
    """'2 d 3 h', '3 h 15 min', '12 min' — absolute; the caller says whether it is left or overdue."""
    if delta is None:
        return ""
    minutes = abs(int(delta.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return ngettext("%(m)d min", "%(m)d min", mins) % {"m": mins}


@register.filter
def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return str(t.label) if t else action.replace("_", " ")


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if key == "problem_type" and isinstance(value, str):
        pt = problem_types_by_code().get(value)
        return pt.display_name if pt else value
    if isinstance(value, str) and _ISO.match(value):
        try:
            return date_format(timezone.localtime(datetime.fromisoformat(value)), "Y-m-d H:i")
        except ValueError:
            return value
    return str(value)


@register.simple_tag
def changes(before: Any, after: Any) -> list[dict[str, str]]:
    """An event's before → after as rows: [{"field", "before", "after"}]."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        if key == "id":
            continue
        rows.append({"field": key.replace("_", " "),
                     "before": _value(key, before.get(key)) if key in before else "",
                     "after": _value(key, after.get(key)) if key in after else ""})
    return rows


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def seconds(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=int(value))


@register.simple_tag
def field(bound_field) -> str:
    """{% field form.name %}: label, input, help and errors (see loopdesk.web.forms.widgets)."""
    return render_field(bound_field)
