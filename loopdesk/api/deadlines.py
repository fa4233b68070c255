"""Deadlines and escalation of one complaint: GET …/deadlines, POST …/escalate."""

from __future__ import annotations

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from loopdesk.api import serialize
from loopdesk.api.schemas import ComplaintDetail
from loopdesk.complaints import actions
from loopdesk.complaints.access import access_complaint
from loopdesk.deadlines.clocks import deadline_dicts
from loopdesk.deadlines.schemas import DeadlinesOut
from loopdesk.escalation.models import Escalation

router = Router(tags=["deadlines"])


class EscalateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=1000)
    to_level: int | None = Field(None, ge=1, le=3)
    customer_told: bool = False


@router.get("/complaints/{number}/deadlines", response=DeadlinesOut)
def deadlines(request, number: str):
    """Each SLA target: due time, time left (negative: overdue by), met or missed, pauses; and the escalations."""
    c = access_complaint(request.auth, number)
    escalations = (Escalation.objects.filter(complaint=c).select_related("from_user", "to_user", "actor")
                   .order_by("at", "id"))
    return {
        "number": c.number, "escalation_level": c.escalation_level, "deadlines": deadline_dicts(c),
        "escalations": [{
            "at": e.at, "trigger": e.trigger, "reason": e.reason, "from_level": e.from_level, "to_level": e.to_level,
            "from_user": serialize.user_ref(e.from_user), "to_user": serialize.user_ref(e.to_user),
            "new_due_at": e.new_due_at, "customer_told": e.customer_told, "actor": serialize.user_ref(e.actor),
        } for e in escalations],
    }


@router.post("/complaints/{number}/escalate", response=ComplaintDetail)
def escalate(request, number: str, payload: EscalateIn):
    """Escalate to the next level (or `to_level`) with a reason; say whether the customer was told."""
    actions.escalate(number, actor=request.auth, reason=payload.reason, to_level=payload.to_level,
                     customer_told=payload.customer_told)
    return serialize.detail(access_complaint(request.auth, number), request.auth)
