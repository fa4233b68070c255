"""Template helpers for the improvement pages and their entry points on shared pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from loopdesk.improvement.access import can_manage, can_view
from loopdesk.improvement.models import ProblemComplaint

register = template.Library()


@register.inclusion_tag("improvement/_nav.html", takes_context=True)
def improvement_nav(context) -> dict:
    """The navigation link, for the people who take part in problem analysis."""
    user = context.get("user")
    return {"show": user is not None and can_view(user), "current": context.get("nav") == "improvement"}


@register.simple_tag
def complaint_problem(user, complaint) -> dict:
    """The problem a complaint is grouped into (if the user may see problems) and whether they may group it."""
    if user is None or not can_view(user):
        return {"show": False}
    link = ProblemComplaint.objects.select_related("problem").filter(complaint=complaint).first()
    return {"show": True, "problem": link.problem if link else None, "can_group": can_manage(user)}


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)
