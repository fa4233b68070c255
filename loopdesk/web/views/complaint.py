"""The complaint page: every field, the deadline clocks, the timeline and records, and a form for
each action the person may take now (access.available_actions). Also the audited contact reveal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from loopdesk.accounts.models import Department
from loopdesk.complaints import actions
from loopdesk.complaints.access import access_complaint, available_actions, can_reveal_contact
from loopdesk.complaints.models import Complaint, SubTaskStatus
from loopdesk.core.errors import DomainError, NotFound
from loopdesk.web import clocks, listing, timeline
from loopdesk.web.forms.actions import AttachForm, CompleteSubTaskForm
from loopdesk.web.views.act import SPECS
from loopdesk.web.views.common import client_ip, refused, staff_view

# How the action forms are grouped on the page, in workflow order.
GROUPS: list[tuple[str, list[str]]] = [
    ("handle", ["accept", "start", "wait_customer", "resume", "note", "communicate", "add_subtask"]),
    ("assign", ["assign", "handover", "add_co_handler"]),
    ("classify", ["reclassify", "override_priority", "change_demand"]),
    ("solution", ["propose_solution", "approve_solution", "record_response"]),
    ("close", ["escalate", "resolve", "request_callback", "record_satisfaction", "verify", "reopen", "archive",
               "cancel"]),
]
# Actions that need no input beyond an optional note: shown as one button.
QUICK = {"accept", "start", "resume", "request_callback", "archive"}


def form_choices(c: Complaint, subtasks: list | None = None) -> dict[str, Any]:
    if subtasks is None:
        subtasks = list(c.subtasks.all())
    return {"staff": listing.staff_people(), "departments": list(Department.objects.order_by("code")),
            "open_subtasks": [t for t in subtasks if t.status == SubTaskStatus.OPEN]}


def render_page(request: HttpRequest, c: Complaint, *, bound: dict | None = None, refusal: DomainError | None = None,
                revealed: dict | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    available = {t.action: t for t in available_actions(user, c)}
    subtasks = list(c.subtasks.select_related("owner").prefetch_related("depends_on"))
    choices = form_choices(c, subtasks)

    def form_for(action: str, prefix: str | None = None, cls=None):
        prefix = prefix or action
        return bound.get(prefix) or (cls or SPECS[action].form)(prefix=prefix, complaint=c, **choices)

    groups = []
    for key, names in GROUPS:
        panels = [{"action": a, "label": available[a].label, "form": form_for(a), "open": a in bound,
                   "quick": a in QUICK, "danger": SPECS[a].danger}
                  for a in names if a in available and a in SPECS]
        if panels:
            groups.append({"key": key, "panels": panels})
    can_complete = "complete_subtask" in available
    for t in subtasks:
        prefix = f"complete_subtask-{t.pk}"
        t.complete_form = (form_for("complete_subtask", prefix, CompleteSubTaskForm)
                           if can_complete and t.status == SubTaskStatus.OPEN else None)
    ctx = {
        "nav": "complaints",
        "c": c,
        "groups": groups,
        "attach_form": form_for("attach", cls=AttachForm) if "attach" in available else None,
        "refusal": refusal,
        "events": timeline.present(list(c.events.select_related("actor"))),
        "notes": list(c.notes.select_related("author", "next_step_owner")),
        "communications": list(c.communications.select_related("author")),
        "subtasks": subtasks,
        "solutions": list(c.solutions.select_related("proposed_by", "approved_by")),
        "satisfactions": list(c.satisfactions.select_related("recorded_by")),
        "attachments": list(c.attachments.select_related("uploaded_by")),
        "co_handlers": list(c.co_handlers.all()),
        "repeat_of": (Complaint.objects.filter(pk=c.repeat_of_id).values_list("number", flat=True).first()
                      if c.repeat_of_id else None),
        "clocks": clocks.clocks_for([c]).get(c.pk, []),
        "can_reveal": can_reveal_contact(user, c),
        "revealed": revealed,
    }
    return render(request, "web/complaint/page.html", ctx, status=status)


@require_GET
@staff_view
def complaint_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        c = access_complaint(request.user, number)
    except NotFound as exc:
        return refused(request, exc)
    return render_page(request, c)


@require_POST
@staff_view
def reveal_contact(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        revealed = actions.reveal_contact(number, actor=user, ip=client_ip(request))
    except NotFound as exc:
        return refused(request, exc)
    except DomainError as exc:
        if request.htmx:
            return refused(request, exc)
        return render_page(request, access_complaint(user, number), refusal=exc, status=403)
    c = access_complaint(user, number)
    if request.htmx:
        return render(request, "web/complaint/_contact.html", {"c": c, "revealed": revealed, "can_reveal": True})
    return render_page(request, c, revealed=revealed)
