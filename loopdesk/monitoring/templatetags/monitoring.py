"""Monitoring's entry points on shared pages: the open data-check findings on the complaint page."""

from __future__ import annotations

from django import template

from loopdesk.monitoring import checks
from loopdesk.monitoring.access import can_act, open_findings_on

register = template.Library()


@register.simple_tag
def complaint_findings(user, complaint) -> dict:
    """The open findings about a complaint, for the people who may see findings (one query, none for others)."""
    if user is None:
        return {"show": False}
    rows = [{"finding": f, "label": checks.CHECKS[f.check_name].label if f.check_name in checks.CHECKS
             else f.check_name, "detail": checks.describe(f.check_name, f.detail)}
            for f in open_findings_on(user, complaint)]
    return {"show": bool(rows), "rows": rows, "can_act": can_act(user)}
