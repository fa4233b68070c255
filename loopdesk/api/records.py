"""What is attached to a complaint: notes, communications, sub-tasks, solutions, satisfaction,
attachments, and the audited reveal of the customer's contact data."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from loopdesk.accounts.models import User
from loopdesk.api import serialize
from loopdesk.api.errors import field_names
from loopdesk.api.schemas import (
    AttachmentOut,
    CommunicationIn,
    CommunicationOut,
    ContactOut,
    NoteIn,
    NoteOut,
    SolutionIn,
    SolutionOut,
    SubTaskDoneIn,
    SubTaskIn,
    SubTaskOut,
)
from loopdesk.complaints import actions, attachments
from loopdesk.complaints.access import access_complaint
from loopdesk.complaints.models import SolutionStatus
from loopdesk.core.errors import NotFound, ValidationFailed

router = Router(tags=["records"])


def _note(n) -> dict:
    return {"id": n.pk, "author": serialize.user_ref(n.author), "at": n.at, "text": n.text,
            "next_step": n.next_step, "next_step_due": n.next_step_due, "customer_visible": n.customer_visible}


def _comm(c) -> dict:
    return {k: getattr(c, k) for k in ("id", "at", "channel", "direction", "summary", "customer_reaction",
                                       "next_step", "customer_visible")}


def _subtask(t) -> dict:
    return {"id": t.pk, "title": t.title, "owner": serialize.user_ref(t.owner), "due_at": t.due_at,
            "status": t.status, "result": t.result, "depends_on": [d.pk for d in t.depends_on.all()]}


def _solution(s) -> dict:
    return {"id": s.pk, "measures": s.measures, "compensation_kind": s.compensation_kind,
            "compensation_amount": s.compensation_amount, "status": s.status,
            "customer_response": s.customer_response,
            "needs_approval": s.status == SolutionStatus.AWAITING_APPROVAL}


def _attachment(a) -> dict:
    return {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
            "uploaded_at": a.uploaded_at}


@router.get("/complaints/{number}/notes", response=list[NoteOut])
def list_notes(request, number: str):
    c = access_complaint(request.auth, number)
    return [_note(n) for n in c.notes.select_related("author")]


@router.post("/complaints/{number}/notes", response={201: NoteOut})
def add_note(request, number: str, payload: NoteIn):
    owner = None
    if payload.next_step_owner_id is not None:
        owner = User.objects.filter(pk=payload.next_step_owner_id, is_active=True).first()
        if owner is None:
            raise ValidationFailed.single("next_step_owner_id", _("Unknown user."))
    n = actions.add_note(number, actor=request.auth, text=payload.text, next_step=payload.next_step,
                         next_step_owner=owner, next_step_due=payload.next_step_due,
                         customer_visible=payload.customer_visible)
    return 201, _note(n)


@router.get("/complaints/{number}/communications", response=list[CommunicationOut])
def list_communications(request, number: str):
    c = access_complaint(request.auth, number)
    return [_comm(m) for m in c.communications.all()]


@router.post("/complaints/{number}/communications", response={201: CommunicationOut})
def add_communication(request, number: str, payload: CommunicationIn):
    m = actions.log_communication(
        number, actor=request.auth, channel=payload.channel.value, direction=payload.direction.value,
        summary=payload.summary, customer_reaction=payload.customer_reaction, next_step=payload.next_step,
        at=payload.at, customer_visible=payload.customer_visible)
    return 201, _comm(m)


@router.get("/complaints/{number}/subtasks", response=list[SubTaskOut])
def list_subtasks(request, number: str):
    c = access_complaint(request.auth, number)
    return [_subtask(t) for t in c.subtasks.select_related("owner").prefetch_related("depends_on")]


@router.post("/complaints/{number}/subtasks", response={201: SubTaskOut})
def add_subtask(request, number: str, payload: SubTaskIn):
    with field_names(owner="owner_id"):
        t = actions.add_subtask(number, actor=request.auth, title=payload.title, owner_id=payload.owner_id,
                                due_at=payload.due_at, depends_on=payload.depends_on)
    return 201, _subtask(t)


@router.post("/complaints/{number}/subtasks/{subtask_id}/complete", response=SubTaskOut)
def complete_subtask(request, number: str, subtask_id: int, payload: SubTaskDoneIn):
    return _subtask(actions.complete_subtask(number, subtask_id, actor=request.auth, result=payload.result))


@router.get("/complaints/{number}/solutions", response=list[SolutionOut])
def list_solutions(request, number: str):
    c = access_complaint(request.auth, number)
    return [_solution(s) for s in c.solutions.all()]


@router.post("/complaints/{number}/solutions", response={201: SolutionOut})
def propose_solution(request, number: str, payload: SolutionIn):
    s = actions.propose_solution(number, actor=request.auth, measures=payload.measures,
                                 compensation_kind=payload.compensation_kind.value,
                                 compensation_amount=payload.compensation_amount)
    return 201, _solution(s)


@router.get("/complaints/{number}/attachments", response=list[AttachmentOut])
def list_attachments(request, number: str):
    c = access_complaint(request.auth, number)
    return [_attachment(a) for a in c.attachments.all()]


@router.post("/complaints/{number}/attachments", response={201: AttachmentOut})
def upload_attachment(request, number: str, file: File[UploadedFile]):
    return 201, _attachment(attachments.add_attachment(number, file, actor=request.auth))


@router.get("/complaints/{number}/attachments/{attachment_id}")
def download_attachment(request, number: str, attachment_id: int):
    c = access_complaint(request.auth, number)
    att = c.attachments.filter(pk=attachment_id).first()
    path = attachments.path_of(att) if att is not None else None
    if path is None or not path.is_file():  # a row whose file was lost is a 404, not a 500
        raise NotFound()
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115
                            filename=att.original_name, content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@router.post("/complaints/{number}/contact", response=ContactOut)
def reveal_contact(request, number: str):
    """Full customer contact data. Every call is audited."""
    return actions.reveal_contact(number, actor=request.auth, ip=request.META.get("REMOTE_ADDR"))
