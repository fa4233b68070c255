"""{% knowledge_panel %}: the knowledge suggestions on the complaint page (context needs `c` and `user`)."""

from __future__ import annotations

from django import template

from loopdesk.knowledge import articles, suggest

register = template.Library()


@register.inclusion_tag("knowledge/_panel.html", takes_context=True)
def knowledge_panel(context) -> dict:
    c, user = context["c"], context["user"]
    return {
        "c": c, "csrf_token": context.get("csrf_token"), "request": context.get("request"),
        "kb_suggestions": suggest.suggestions(c),
        "kb_can_use": suggest.can_use(user, c),
        "kb_can_draft": articles.can_write(user) and c.status in articles.DRAFTABLE,
    }
