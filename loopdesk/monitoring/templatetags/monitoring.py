"""Monitoring's entry points on shared pages: the open data-check findings on the complaint page."""

from __future__ import annotations

from django import template

from loopdesk.monitoring.access import can_act, open_findings_on
from loopdesk.monitoring.views import finding_row

register = template.Library()


@register.simple_tag
def complaint_findings(user, complaint) -> dict:
    """The open findings about a complaint, for the people who may see findings (one query, none for others)."""
    if user is None:
        return {"show": False}
    rows = [finding_row(f) for f in open_findings_on(user, complaint)]
    return {"show": bool(rows), "rows": rows, "can_act": can_act(user)}
