"""Workflow actions posted from the complaint page: parse the form, call the domain action, show
the outcome. A refusal (not allowed, not possible now, bad input) changes nothing and says why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loopdesk.accounts.models import User
from loopdesk.complaints import actions, attachments
from loopdesk.complaints.access import access_complaint, check_action
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.core.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from loopdesk.web.forms import actions as f
from loopdesk.web.views.common import add_domain_errors, refused, staff_view

Run = Callable[[str, User, dict[str, Any], HttpRequest], object]


@dataclass(frozen=True)
class Spec:
    form: type[f.ActionForm]
    run: Run
    danger: bool = False
    multipart: bool = False


def _scores(d: dict) -> dict[str, int]:
    return {k: d[k] for k, _label in f.DIMENSIONS}


SPECS: dict[str, Spec] = {
    "accept": Spec(f.OptionalNoteForm, lambda n, u, d, r: actions.accept(n, actor=u, note=d["note"])),
    "start": Spec(f.OptionalNoteForm, lambda n, u, d, r: actions.start(n, actor=u, note=d["note"])),
    "wait_customer": Spec(f.ReasonForm, lambda n, u, d, r: actions.wait_customer(n, actor=u, reason=d["reason"])),
    "resume": Spec(f.OptionalNoteForm, lambda n, u, d, r: actions.resume(n, actor=u, note=d["note"])),
    "note": Spec(f.NoteForm, lambda n, u, d, r: actions.add_note(
        n, actor=u, text=d["text"], next_step=d["next_step"], next_step_owner=d["next_step_owner"],
        next_step_due=d["next_step_due"], customer_visible=d["customer_visible"])),
    "communicate": Spec(f.CommunicateForm, lambda n, u, d, r: actions.log_communication(
        n, actor=u, channel=d["channel"], direction=d["direction"], summary=d["summary"],
        customer_reaction=d["customer_reaction"], next_step=d["next_step"], at=d["at"],
        customer_visible=d["customer_visible"])),
    "attach": Spec(f.AttachForm, lambda n, u, d, r: attachments.add_attachment(n, d["file"], actor=u),
                   multipart=True),
    "add_subtask": Spec(f.SubTaskForm, lambda n, u, d, r: actions.add_subtask(
        n, actor=u, title=d["title"], owner_id=d["owner_id"], due_at=d["due_at"],
        depends_on=d.get("depends_on") or [])),
    "assign": Spec(f.AssignForm, lambda n, u, d, r: actions.assign(
        n, actor=u, owner_id=d["owner_id"], department_id=d["department_id"], note=d["note"])),
    "handover": Spec(f.HandoverForm, lambda n, u, d, r: actions.handover(
        n, actor=u, to_user_id=d["to_user_id"], reason=d["reason"])),
    "add_co_handler": Spec(f.CoHandlerForm, lambda n, u, d, r: actions.add_co_handler(n, actor=u,
                                                                                        user_id=d["user_id"])),
    "reclassify": Spec(f.ReclassifyForm, lambda n, u, d, r: actions.reclassify(
        n, actor=u, note=d["note"],
        changes={k: d[k] for k in ("problem_type", "nature", "severity", "scope", "risk")})),
    "override_priority": Spec(f.PriorityForm, lambda n, u, d, r: actions.override_priority(
        n, actor=u, priority=d["priority"], reason=d["reason"])),
    "change_demand": Spec(f.DemandForm, lambda n, u, d, r: actions.change_demand(
        n, actor=u, new_demand=d["new_demand"], confirmation=d["confirmation"],
        new_expected_at=d["new_expected_at"])),
    "propose_solution": Spec(f.SolutionForm, lambda n, u, d, r: actions.propose_solution(
        n, actor=u, measures=d["measures"], compensation_kind=d["compensation_kind"],
        compensation_amount=d["compensation_amount"])),
    "approve_solution": Spec(f.ApprovalForm, lambda n, u, d, r: actions.approve_solution(
        n, actor=u, approve=d["decision"] == "approve", note=d["note"])),
    "record_response": Spec(f.ResponseForm, lambda n, u, d, r: actions.record_response(
        n, actor=u, response=d["response"], comment=d["comment"])),
    "escalate": Spec(f.EscalateForm, lambda n, u, d, r: actions.escalate(
        n, actor=u, reason=d["reason"], to_level=d["to_level"], customer_told=d["customer_told"])),
    "resolve": Spec(f.ResolveForm, lambda n, u, d, r: actions.resolve(n, actor=u, summary=d["summary"])),
    "request_callback": Spec(f.OptionalNoteForm, lambda n, u, d, r: actions.request_callback(
        n, actor=u, note=d["note"])),
    "record_satisfaction": Spec(f.SatisfactionForm, lambda n, u, d, r: actions.record_satisfaction(
        n, actor=u, scores=_scores(d), comment=d["comment"])),
    "verify": Spec(f.VerifyForm, lambda n, u, d, r: actions.verify(
        n, actor=u, passed=d["outcome"] == "pass", note=d["note"],
        checks={k: d[k] for k in ("really_resolved", "promise_kept", "process_compliant")})),
    "reopen": Spec(f.ReasonForm, lambda n, u, d, r: actions.reopen(n, actor=u, reason=d["reason"]), danger=True),
    "archive": Spec(f.EmptyForm, lambda n, u, d, r: actions.archive(n, actor=u)),
    "cancel": Spec(f.CancelForm, lambda n, u, d, r: actions.cancel(
        n, actor=u, reason=d["reason"], duplicate_of=d["duplicate_of"]), danger=True),
}
# Completing a sub-task is posted per sub-task (its id in the URL).
COMPLETE_SUBTASK = Spec(f.CompleteSubTaskForm, lambda n, u, d, r: None)


def _label(action: str) -> str:
    return str(TRANSITIONS[action].label)


@require_POST
@staff_view
def act(request: HttpRequest, number: str, action: str, subtask_id: int | None = None) -> HttpResponse:
    from loopdesk.web.views.complaint import form_choices, render_page  # the page imports SPECS from here

    spec = COMPLETE_SUBTASK if subtask_id is not None else SPECS.get(action)
    if spec is None or action not in TRANSITIONS:
        raise Http404
    user = request.user
    try:
        c = access_complaint(user, number)
        check_action(user, c, action)  # refuse before reading the form: there is nothing to correct
    except NotFound as exc:
        return refused(request, exc)
    except DomainError as exc:
        return render_page(request, c, refusal=exc, status=403 if isinstance(exc, NotAllowed) else 409)
    form = spec.form(request.POST, request.FILES, prefix=_prefix(action, subtask_id), complaint=c,
                     **form_choices(c))
    if form.is_valid():
        try:
            if subtask_id is not None:
                actions.complete_subtask(number, subtask_id, actor=user, result=form.cleaned_data["result"])
            else:
                spec.run(number, user, form.cleaned_data, request)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        except NotFound as exc:
            return render_page(request, c, refusal=exc, status=404)
        except DomainError as exc:
            return render_page(request, c, refusal=exc, status=403 if isinstance(exc, NotAllowed) else 409)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": _label(action)})
            return redirect("web:complaint", number=number)
    return render_page(request, c, bound={_prefix(action, subtask_id): form}, status=400)


def _prefix(action: str, subtask_id: int | None) -> str:
    return f"{action}-{subtask_id}" if subtask_id is not None else action

