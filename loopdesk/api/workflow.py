"""One endpoint per workflow action. Each parses, calls the domain action, and returns the complaint."""

from __future__ import annotations

from ninja import Router

from loopdesk.api import serialize
from loopdesk.api.errors import field_names
from loopdesk.api.schemas import (
    ApprovalIn,
    AssignIn,
    CancelIn,
    CoHandlerIn,
    ComplaintDetail,
    DemandChangeIn,
    HandoverIn,
    OptionalNoteIn,
    PriorityIn,
    ReasonIn,
    ReclassifyIn,
    ResolveIn,
    ResponseIn,
    SatisfactionOut,
    Scores,
    VerifyIn,
)
from loopdesk.complaints import actions
from loopdesk.complaints.access import access_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.core.errors import NotFound

router = Router(tags=["workflow"])


def _out(request, number: str, changed: Complaint | None = None) -> dict:
    """The complaint after the action. An assignment or handover can move it out of the caller's
    sight; the change is done, so they get the record as they left it rather than a 404."""
    try:
        c = access_complaint(request.auth, number)
    except NotFound:
        if changed is None:
            raise
        c = changed
    return serialize.detail(c, request.auth)


@router.post("/complaints/{number}/accept", response=ComplaintDetail)
def accept(request, number: str, payload: OptionalNoteIn | None = None):
    actions.accept(number, actor=request.auth, note=payload.note if payload else "")
    return _out(request, number)


@router.post("/complaints/{number}/start", response=ComplaintDetail)
def start(request, number: str, payload: OptionalNoteIn | None = None):
    actions.start(number, actor=request.auth, note=payload.note if payload else "")
    return _out(request, number)


@router.post("/complaints/{number}/wait-customer", response=ComplaintDetail)
def wait_customer(request, number: str, payload: ReasonIn):
    actions.wait_customer(number, actor=request.auth, reason=payload.reason)
    return _out(request, number)


@router.post("/complaints/{number}/resume", response=ComplaintDetail)
def resume(request, number: str, payload: OptionalNoteIn | None = None):
    actions.resume(number, actor=request.auth, note=payload.note if payload else "")
    return _out(request, number)


@router.post("/complaints/{number}/assign", response=ComplaintDetail)
def assign(request, number: str, payload: AssignIn):
    with field_names(owner="owner_id", department="department_id"):
        c = actions.assign(number, actor=request.auth, owner_id=payload.owner_id,
                           department_id=payload.department_id, note=payload.note)
    return _out(request, number, c)


@router.post("/complaints/{number}/handover", response=ComplaintDetail)
def handover(request, number: str, payload: HandoverIn):
    with field_names(to_user="to_user_id"):
        c = actions.handover(number, actor=request.auth, to_user_id=payload.to_user_id, reason=payload.reason)
    return _out(request, number, c)


@router.post("/complaints/{number}/co-handlers", response=ComplaintDetail)
def add_co_handler(request, number: str, payload: CoHandlerIn):
    with field_names(user="user_id"):
        actions.add_co_handler(number, actor=request.auth, user_id=payload.user_id)
    return _out(request, number)


@router.post("/complaints/{number}/reclassify", response=ComplaintDetail)
def reclassify(request, number: str, payload: ReclassifyIn):
    changes = {k: (v.value if hasattr(v, "value") else v)
               for k, v in payload.model_dump(exclude={"note"}).items() if v is not None}
    c = actions.reclassify(number, actor=request.auth, changes=changes, note=payload.note)
    return _out(request, number, c)


@router.post("/complaints/{number}/priority", response=ComplaintDetail)
def override_priority(request, number: str, payload: PriorityIn):
    actions.override_priority(number, actor=request.auth, priority=payload.priority.value, reason=payload.reason)
    return _out(request, number)


@router.post("/complaints/{number}/solution/approval", response=ComplaintDetail)
def approve_solution(request, number: str, payload: ApprovalIn):
    actions.approve_solution(number, actor=request.auth, approve=payload.approve, note=payload.note)
    return _out(request, number)


@router.post("/complaints/{number}/solution/response", response=ComplaintDetail)
def record_response(request, number: str, payload: ResponseIn):
    actions.record_response(number, actor=request.auth, response=payload.response.value, comment=payload.comment)
    return _out(request, number)


@router.post("/complaints/{number}/demand-changes", response=ComplaintDetail)
def change_demand(request, number: str, payload: DemandChangeIn):
    actions.change_demand(number, actor=request.auth, new_demand=payload.new_demand,
                          confirmation=payload.confirmation, new_expected_at=payload.new_expected_at)
    return _out(request, number)


@router.post("/complaints/{number}/resolve", response=ComplaintDetail)
def resolve(request, number: str, payload: ResolveIn):
    actions.resolve(number, actor=request.auth, summary=payload.summary)
    return _out(request, number)


@router.post("/complaints/{number}/request-callback", response=ComplaintDetail)
def request_callback(request, number: str, payload: OptionalNoteIn | None = None):
    actions.request_callback(number, actor=request.auth, note=payload.note if payload else "")
    return _out(request, number)


@router.post("/complaints/{number}/satisfaction", response=ComplaintDetail)
def record_satisfaction(request, number: str, payload: Scores):
    scores = payload.model_dump(exclude={"comment"})
    actions.record_satisfaction(number, actor=request.auth, scores=scores, comment=payload.comment)
    return _out(request, number)


# Same path as the POST above: both must live in one router, or Django's first URL pattern
# answers every method and the other gets 405.
@router.get("/complaints/{number}/satisfaction", response=list[SatisfactionOut])
def list_satisfaction(request, number: str):
    c = access_complaint(request.auth, number)
    return [{k: getattr(s, k) for k in SatisfactionOut.model_fields} for s in c.satisfactions.all()]


@router.post("/complaints/{number}/verify", response=ComplaintDetail)
def verify(request, number: str, payload: VerifyIn):
    asked = {"really_resolved", "promise_kept", "process_compliant"}
    checks = {k: v for k, v in payload.model_dump(include=asked).items() if v is not None}
    actions.verify(number, actor=request.auth, passed=payload.passed, note=payload.note, checks=checks)
    return _out(request, number)


@router.post("/complaints/{number}/reopen", response=ComplaintDetail)
def reopen(request, number: str, payload: ReasonIn):
    actions.reopen(number, actor=request.auth, reason=payload.reason)
    return _out(request, number)


@router.post("/complaints/{number}/archive", response=ComplaintDetail)
def archive(request, number: str):
    actions.archive(number, actor=request.auth)
    return _out(request, number)


@router.post("/complaints/{number}/cancel", response=ComplaintDetail)
def cancel(request, number: str, payload: CancelIn):
    actions.cancel(number, actor=request.auth, reason=payload.reason, duplicate_of=payload.duplicate_of)
    return _out(request, number)
