"""Endpoints customers reach without a staff account."""

from __future__ import annotations

from ninja import Router

from loopdesk.api.schemas import Scores
from loopdesk.complaints import actions

router = Router(tags=["customer"])


@router.post("/survey/{token}", auth=None, response={201: dict})
def answer_survey(request, token: str, payload: Scores):
    """The customer's satisfaction answer through a signed single-use link."""
    scores = payload.model_dump(exclude={"comment"})
    s = actions.submit_survey(token, scores=scores, comment=payload.comment)
    return 201, {"ok": True, "dissatisfied": s.dissatisfied}
