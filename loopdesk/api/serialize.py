"""ORM rows → response dicts. Contact data is always masked here; revealing is a separate action."""

from __future__ import annotations

from loopdesk.complaints.access import available_actions, mask_email, mask_phone
from loopdesk.complaints.models import Complaint, Event
from loopdesk.deadlines.clocks import deadline_dicts


def user_ref(u) -> dict | None:
    return None if u is None else {"id": u.pk, "username": u.username, "name": u.label}


def ref(obj) -> dict | None:
    if obj is None:
        return None
    name = getattr(obj, "display_name", None) or str(obj)
    return {"id": obj.pk, "code": getattr(obj, "code", ""), "name": name}


def customer(cu) -> dict:
    return {"id": cu.pk, "name": cu.name, "anonymous": cu.anonymous, "phone": mask_phone(cu.phone) if cu.phone else "",
            "email": mask_email(cu.email) if cu.email else "", "member_no": cu.member_no, "region": cu.region,
            "level": cu.level}


def summary(c: Complaint) -> dict:
    return {
        "number": c.number, "status": c.status, "status_label": c.get_status_display(), "channel": c.channel,
        "subject": c.subject, "priority": c.priority, "severity": c.severity, "risk": c.risk,
        "problem_type": ref(c.problem_type), "department": ref(c.department), "owner": user_ref(c.owner),
        "customer": customer(c.customer), "received_at": c.received_at, "registered_at": c.registered_at,
        "is_repeat": c.is_repeat, "escalation_level": c.escalation_level,
    }


def detail(c: Complaint, user, suggestions=None) -> dict:
    out = summary(c)
    out.update({
        "channel_ref": c.channel_ref, "order_no": c.order_no, "product": c.product, "region": c.region,
        "description": c.description, "facts": c.facts, "core_demand": c.core_demand,
        "expected_resolution_at": c.expected_resolution_at, "compensation_amount": c.compensation_amount,
        "compensation_kind": c.compensation_kind, "nature": c.nature, "scope": c.scope,
        "priority_override_reason": c.priority_override_reason,
        "co_handlers": [user_ref(u) for u in c.co_handlers.all()],
        "repeat_of": c.repeat_of.number if c.repeat_of_id else None, "reopen_count": c.reopen_count,
        "registration_delay_seconds": c.registration_delay_seconds, "accepted_at": c.accepted_at,
        "first_response_at": c.first_response_at, "resolved_at": c.resolved_at, "closed_at": c.closed_at,
        "archived_at": c.archived_at, "cancel_reason": c.cancel_reason, "resolution_summary": c.resolution_summary,
        "available_actions": [t.action for t in available_actions(user, c)],
        "suggestions": [s.__dict__ for s in suggestions or []],
        "deadlines": deadline_dicts(c),
    })
    return out


def event(e: Event) -> dict:
    return {"id": e.pk, "kind": e.kind, "kind_label": e.get_kind_display(), "action": e.action,
            "actor": user_ref(e.actor), "at": e.at, "before": e.before, "after": e.after, "note": e.note,
            "customer_visible": e.customer_visible}
