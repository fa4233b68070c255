"""Formatting of report figures: durations and rates, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    return human_duration(seconds)


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    value = f"{rate * 100:.1f}"
    return (value[:-2] if value.endswith(".0") else value) + "%"


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    sign = "−" if seconds < 0 else ""
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        return sign + _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return sign + _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return sign + _("%(d)s d %(h)s h") % {"d": days, "h": hours}
