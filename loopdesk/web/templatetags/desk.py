"""Template helpers for the staff pages: masking, local names, durations, timeline changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loopdesk.complaints import access
from loopdesk.web import timeline
from loopdesk.web.forms.widgets import render_field

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return access.mask_phone(value) if value else ""


@register.filter
def mask_email(value: str) -> str:
    return access.mask_email(value) if value else ""


@register.filter
def localname(obj: Any) -> str:
    return timeline.local_name(obj)


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
    return timeline.action_label(action)


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
