"""One function per state change. Each: one transaction, a lock on the complaint, the check
against the workflow table, the change, and its timeline event(s). Views, API and jobs call these;
nothing else writes complaint state.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import AuditLog, Role, User
from loopdesk.classification.models import Priority, ProblemType
from loopdesk.classification.priority import compute_priority
from loopdesk.complaints import hooks, surveys
from loopdesk.complaints.access import access_complaint, can_reveal_contact, check_action, relations
from loopdesk.complaints.intake import searchable
from loopdesk.complaints.models import (
    Communication,
    Complaint,
    CustomerResponse,
    DemandChange,
    Direction,
    EventKind,
    Note,
    Satisfaction,
    SatisfactionSource,
    Solution,
    SolutionStatus,
    Status,
    SubTask,
    SubTaskStatus,
)
from loopdesk.complaints.timeline import event
from loopdesk.core import config
from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from loopdesk.escalation import service as escalation_service
from loopdesk.escalation.models import Escalation
from loopdesk.routing.engine import route

MIN_NOTE_LENGTH = 10
_changed = hooks.changed


def _locked(actor: User, number: str, action: str) -> Complaint:
    c = access_complaint(actor, number, for_update=True)
    check_action(actor, c, action)
    return c


def _move(c: Complaint, to: str, *, actor: User | None, action: str, note: str = "",
          fields: dict[str, Any] | None = None, customer_visible: bool = True) -> None:
    before = c.status
    c.status = to
    for k, v in (fields or {}).items():
        setattr(c, k, v)
    c.save(update_fields=["status", "updated_at", *(fields or {})])
    event(c, EventKind.STATUS, actor=actor, action=action, before={"status": before}, after={"status": to},
          note=note, customer_visible=customer_visible)
    _changed(c, action, actor)


def _require(errors: dict, name: str, value: str, message=None) -> None:
    if not (value or "").strip():
        errors[name] = [message or _("This field is required.")]


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- acceptance and handling -------------------------------------------------------------

@transaction.atomic
def accept(number: str, *, actor: User, note: str = "") -> Complaint:
    c = _locked(actor, number, "accept")
    _move(c, Status.ACCEPTED, actor=actor, action="accept", note=note, fields={"accepted_at": timezone.now()})
    return c


@transaction.atomic
def start(number: str, *, actor: User, note: str = "") -> Complaint:
    c = _locked(actor, number, "start")
    _move(c, Status.IN_PROGRESS, actor=actor, action="start", note=note,
          fields={"last_progress_at": timezone.now()})
    return c


@transaction.atomic
def wait_customer(number: str, *, actor: User, reason: str) -> Complaint:
    errors: dict = {}
    _require(errors, "reason", reason)
    _raise(errors)
    c = _locked(actor, number, "wait_customer")
    _move(c, Status.AWAITING_CUSTOMER, actor=actor, action="wait_customer", note=reason)
    return c


@transaction.atomic
def resume(number: str, *, actor: User, note: str = "") -> Complaint:
    c = _locked(actor, number, "resume")
    _move(c, Status.IN_PROGRESS, actor=actor, action="resume", note=note)
    return c


@transaction.atomic
def add_note(number: str, *, actor: User, text: str, next_step: str = "", next_step_owner: User | None = None,
             next_step_due: datetime | None = None, customer_visible: bool = False) -> Note:
    errors: dict = {}
    if len((text or "").strip()) < MIN_NOTE_LENGTH:
        errors["text"] = [_("Say concretely what was done (at least %(n)d characters).") % {"n": MIN_NOTE_LENGTH}]
    if next_step.strip() and next_step_due is None:
        errors["next_step_due"] = [_("Say by when the next step will be done.")]
    if next_step_due is not None and not next_step.strip():
        errors["next_step"] = [_("Say what the next step is.")]
    _raise(errors)
    c = _locked(actor, number, "note")
    now = timezone.now()
    n = Note.objects.create(complaint=c, author=actor, at=now, text=text.strip(), next_step=next_step.strip(),
                            next_step_owner=next_step_owner or (actor if next_step else None),
                            next_step_due=next_step_due, customer_visible=customer_visible)
    c.last_progress_at = now
    c.save(update_fields=["last_progress_at", "updated_at"])
    event(c, EventKind.NOTE, actor=actor, action="note", note=n.text, customer_visible=customer_visible,
          after={"next_step": n.next_step, "next_step_due": next_step_due.isoformat() if next_step_due else None,
                 "next_step_owner": n.next_step_owner.username if n.next_step_owner else None})
    _changed(c, "note", actor)
    return n


@transaction.atomic
def log_communication(number: str, *, actor: User, channel: str, direction: str, summary: str,
                      customer_reaction: str = "", next_step: str = "", at: datetime | None = None,
                      customer_visible: bool = True) -> Communication:
    errors: dict = {}
    _require(errors, "summary", summary)
    if at and at > timezone.now():
        errors["at"] = [_("The time cannot be in the future.")]
    _raise(errors)
    c = _locked(actor, number, "communicate")
    now = timezone.now()
    comm = Communication.objects.create(
        complaint=c, author=actor, at=at or now, channel=channel, direction=direction, summary=summary.strip(),
        customer_reaction=customer_reaction, next_step=next_step, customer_visible=customer_visible,
    )
    fields = ["last_progress_at", "updated_at"]
    c.last_progress_at = now
    if direction == Direction.OUTBOUND and c.first_response_at is None:
        c.first_response_at = comm.at
        fields.append("first_response_at")
    c.save(update_fields=fields)
    event(c, EventKind.COMMUNICATION, actor=actor, action="communicate", note=comm.summary,
          after={"channel": channel, "direction": direction, "reaction": customer_reaction, "next_step": next_step},
          customer_visible=customer_visible)
    _changed(c, "communicate", actor, direction=direction, communication_id=comm.pk)
    return comm


# --- assignment ----------------------------------------------------------------------------

def _set_owner(c: Complaint, owner: User | None, department, *, actor: User, action: str, note: str) -> None:
    before = {"owner": c.owner.username if c.owner else None,
              "department": c.department.code if c.department else None}
    c.owner = owner
    c.department = department
    c.save(update_fields=["owner", "department", "updated_at"])
    event(c, EventKind.ASSIGNMENT, actor=actor, action=action, before=before, note=note,
          after={"owner": owner.username if owner else None, "department": department.code if department else None})
    _changed(c, action, actor)


def _staff(user_id: int | None, field_name: str, errors: dict) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).select_related("department").first()
    if user is None:
        errors[field_name] = [_("Unknown user.")]
    return user


@transaction.atomic
def assign(number: str, *, actor: User, owner_id: int | None = None, department_id: int | None = None,
           note: str = "") -> Complaint:
    from loopdesk.accounts.models import Department

    errors: dict = {}
    owner = _staff(owner_id, "owner", errors)
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department_id and department is None:
        errors["department"] = [_("Unknown department.")]
    if owner is None and department is None and not errors:
        errors["owner"] = [_("Choose a person or a department.")]
    _raise(errors)
    c = _locked(actor, number, "assign")
    _set_owner(c, owner, department or (owner.department if owner else None) or c.department,
               actor=actor, action="assign", note=note)
    return c


@transaction.atomic
def handover(number: str, *, actor: User, to_user_id: int, reason: str) -> Complaint:
    errors: dict = {}
    _require(errors, "reason", reason)
    to_user = _staff(to_user_id, "to_user", errors)
    _raise(errors)
    c = _locked(actor, number, "handover")
    if to_user.pk == c.owner_id:
        raise ValidationFailed.single("to_user", _("The complaint is already with this person."))
    # The new owner inherits the whole record; the customer never has to repeat themselves.
    _set_owner(c, to_user, to_user.department or c.department, actor=actor, action="handover", note=reason)
    return c


@transaction.atomic
def add_co_handler(number: str, *, actor: User, user_id: int) -> Complaint:
    errors: dict = {}
    user = _staff(user_id, "user", errors)
    _raise(errors)
    c = _locked(actor, number, "add_co_handler")
    if user.pk == c.owner_id or c.co_handlers.filter(pk=user.pk).exists():
        raise ValidationFailed.single("user", _("This person already works on the complaint."))
    c.co_handlers.add(user)
    event(c, EventKind.CO_HANDLER, actor=actor, action="add_co_handler", after={"co_handler": user.username})
    return c


# --- classification ----------------------------------------------------------------------

@transaction.atomic
def reclassify(number: str, *, actor: User, changes: dict[str, Any], note: str = "") -> Complaint:
    """Change type / nature / severity / scope / risk; recompute priority and re-route on a new type."""
    c = _locked(actor, number, "reclassify")
    allowed = {"problem_type", "nature", "severity", "scope", "risk"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed({k: [_("This field cannot be changed here.")] for k in unknown})
    if "problem_type" in changes:
        code = changes["problem_type"]
        pt = ProblemType.objects.filter(code=code, active=True).first() if code else None
        if code and pt is None:
            raise ValidationFailed.single("problem_type", _("Unknown problem type."))
        changes = {**changes, "problem_type": pt}
    before, after = {}, {}
    for k, v in changes.items():
        old = getattr(c, k)
        if old != v:
            before[k] = old.code if isinstance(old, ProblemType) else old
            after[k] = v.code if isinstance(v, ProblemType) else v
            setattr(c, k, v)
    if not after:
        return c
    fields = [*after.keys(), "updated_at"]
    if not c.priority_override_reason:
        new_priority = compute_priority(severity=c.severity, scope=c.scope, risk=c.risk,
                                        customer_level=c.customer.level)
        if new_priority != c.priority:
            before["priority"], after["priority"] = c.priority, new_priority
            c.priority = new_priority
            fields.append("priority")
    c.save(update_fields=fields)
    event(c, EventKind.FIELD, actor=actor, action="reclassify", before=before, after=after, note=note)
    if "problem_type" in after:
        result = route(problem_type=c.problem_type, channel=c.channel, region=c.region,
                       customer_level=c.customer.level)
        if result.department and result.department.pk != c.department_id:
            _set_owner(c, result.owner, result.department, actor=None, action="route",
                       note=result.rule.name if result.rule else "")
    _changed(c, "reclassify", actor)
    return c


@transaction.atomic
def override_priority(number: str, *, actor: User, priority: str, reason: str) -> Complaint:
    errors: dict = {}
    _require(errors, "reason", reason, _("Give the reason for overriding the priority."))
    if priority not in Priority.values:
        errors["priority"] = [_("Choose A, B or C.")]
    _raise(errors)
    c = _locked(actor, number, "override_priority")
    before = c.priority
    c.priority, c.priority_override_reason = priority, reason.strip()
    c.save(update_fields=["priority", "priority_override_reason", "updated_at"])
    event(c, EventKind.PRIORITY_OVERRIDE, actor=actor, action="override_priority", before={"priority": before},
          after={"priority": priority}, note=reason)
    _changed(c, "override_priority", actor)
    return c


# --- sub-tasks ----------------------------------------------------------------------------

@transaction.atomic
def add_subtask(number: str, *, actor: User, title: str, owner_id: int, due_at: datetime | None = None,
                depends_on: list[int] | None = None) -> SubTask:
    errors: dict = {}
    _require(errors, "title", title)
    owner = _staff(owner_id, "owner", errors)
    if due_at and due_at < timezone.now():
        errors["due_at"] = [_("The due time is in the past.")]
    _raise(errors)
    c = _locked(actor, number, "add_subtask")
    deps = list(c.subtasks.filter(pk__in=depends_on or []))
    if len(deps) != len(set(depends_on or [])):
        raise ValidationFailed.single("depends_on", _("A dependency is not a sub-task of this complaint."))
    task = SubTask.objects.create(complaint=c, title=title.strip(), owner=owner, due_at=due_at)
    task.depends_on.set(deps)
    event(c, EventKind.SUBTASK, actor=actor, action="add_subtask",
          after={"id": task.pk, "title": task.title, "owner": owner.username,
                 "due_at": due_at.isoformat() if due_at else None, "depends_on": [d.pk for d in deps]})
    return task


@transaction.atomic
def complete_subtask(number: str, subtask_id: int, *, actor: User, result: str) -> SubTask:
    errors: dict = {}
    _require(errors, "result", result)
    _raise(errors)
    c = access_complaint(actor, number, for_update=True)
    task = c.subtasks.filter(pk=subtask_id).first()
    if task is None:
        raise NotFound(_("Sub-task not found."))
    t = check_action(actor, c, "complete_subtask")
    if task.owner_id != actor.pk and actor.role not in t.roles and "owner" not in relations(actor, c):
        raise NotAllowed(_("Only the sub-task's owner or the complaint's owner can complete it."))
    if task.status != SubTaskStatus.OPEN:
        raise Conflict(_("The sub-task is already finished."))
    if task.depends_on.exclude(status=SubTaskStatus.DONE).exists():
        raise Conflict(_("Finish the sub-tasks this one depends on first."))
    task.status, task.result, task.done_at = SubTaskStatus.DONE, result.strip(), timezone.now()
    task.save(update_fields=["status", "result", "done_at"])
    c.last_progress_at = task.done_at
    c.save(update_fields=["last_progress_at", "updated_at"])
    event(c, EventKind.SUBTASK, actor=actor, action="complete_subtask", before={"id": task.pk, "status": "open"},
          after={"id": task.pk, "status": "done"}, note=task.result)
    return task


# --- solutions and demand changes ------------------------------------------------------------

@transaction.atomic
def propose_solution(number: str, *, actor: User, measures: str, compensation_kind: str = "none",
                     compensation_amount: Decimal = Decimal("0")) -> Solution:
    errors: dict = {}
    _require(errors, "measures", measures)
    if compensation_amount < 0:
        errors["compensation_amount"] = [_("The amount cannot be negative.")]
    if compensation_kind == "none" and compensation_amount > 0:
        errors["compensation_kind"] = [_("Say what kind of compensation the amount is.")]
    _raise(errors)
    c = _locked(actor, number, "propose_solution")
    needs_approval = compensation_amount > config.get_decimal("solution.approval_threshold")
    s = Solution.objects.create(
        complaint=c, proposed_by=actor, measures=measures.strip(), compensation_kind=compensation_kind,
        compensation_amount=compensation_amount,
        status=SolutionStatus.AWAITING_APPROVAL if needs_approval else SolutionStatus.PROPOSED,
    )
    event(c, EventKind.SOLUTION, actor=actor, action="propose_solution", note=s.measures,
          after={"id": s.pk, "kind": compensation_kind, "amount": str(compensation_amount), "status": s.status})
    _move(c, Status.SOLUTION_PENDING, actor=actor, action="propose_solution")
    return s


def _current_solution(c: Complaint) -> Solution:
    s = c.solutions.exclude(status__in=[SolutionStatus.WITHDRAWN]).order_by("-id").first()
    if s is None:
        raise Conflict(_("There is no solution to act on."))
    return s


@transaction.atomic
def approve_solution(number: str, *, actor: User, approve: bool, note: str = "") -> Solution:
    c = _locked(actor, number, "approve_solution")
    s = _current_solution(c)
    if s.status != SolutionStatus.AWAITING_APPROVAL:
        raise Conflict(_("The solution does not need approval."))
    if not approve:
        errors: dict = {}
        _require(errors, "note", note, _("Say why the solution is rejected."))
        _raise(errors)
    s.status = SolutionStatus.PROPOSED if approve else SolutionStatus.REJECTED_BY_SUPERVISOR
    s.approved_by, s.approved_at, s.approval_note = actor, timezone.now(), note
    s.save(update_fields=["status", "approved_by", "approved_at", "approval_note"])
    event(c, EventKind.SOLUTION, actor=actor, action="approve_solution" if approve else "reject_solution",
          before={"id": s.pk, "status": SolutionStatus.AWAITING_APPROVAL}, after={"id": s.pk, "status": s.status},
          note=note)
    if not approve:
        _move(c, Status.IN_PROGRESS, actor=actor, action="reject_solution", note=note, customer_visible=False)
    return s


@transaction.atomic
def record_response(number: str, *, actor: User, response: str, comment: str = "") -> Solution:
    if response not in CustomerResponse.values:
        raise ValidationFailed.single("response", _("Choose accepted, partial or rejected."))
    c = _locked(actor, number, "record_response")
    s = _current_solution(c)
    if s.status == SolutionStatus.AWAITING_APPROVAL:
        raise Conflict(_("The solution still awaits a supervisor's approval."))
    if s.status != SolutionStatus.PROPOSED:
        raise Conflict(_("The solution is not waiting for the customer."))
    s.status, s.customer_response, s.customer_comment = SolutionStatus.ANSWERED, response, comment
    s.responded_at = timezone.now()
    s.save(update_fields=["status", "customer_response", "customer_comment", "responded_at"])
    event(c, EventKind.SOLUTION, actor=actor, action="record_response", after={"id": s.pk, "response": response},
          note=comment, customer_visible=True)
    _move(c, Status.IN_PROGRESS, actor=actor, action="record_response")
    return s


@transaction.atomic
def change_demand(number: str, *, actor: User, new_demand: str, confirmation: str,
                  new_expected_at: datetime | None = None) -> DemandChange:
    errors: dict = {}
    _require(errors, "new_demand", new_demand)
    _require(errors, "confirmation", confirmation, _("Record how the customer confirmed the change."))
    _raise(errors)
    c = _locked(actor, number, "change_demand")
    dc = DemandChange.objects.create(
        complaint=c, recorded_by=actor, old_demand=c.core_demand, new_demand=new_demand.strip(),
        old_expected_at=c.expected_resolution_at, new_expected_at=new_expected_at, confirmation=confirmation,
    )
    c.core_demand = dc.new_demand
    fields = ["core_demand", "search_text", "updated_at"]
    if new_expected_at:
        c.expected_resolution_at = new_expected_at
        fields.append("expected_resolution_at")
    c.search_text = searchable(c)
    c.save(update_fields=fields)
    event(c, EventKind.DEMAND_CHANGE, actor=actor, action="change_demand", note=confirmation,
          before={"core_demand": dc.old_demand}, after={"core_demand": dc.new_demand})
    _changed(c, "change_demand", actor)
    return dc


# --- resolution, satisfaction, verification, closure ---------------------------------------------

@transaction.atomic
def resolve(number: str, *, actor: User, summary: str) -> Complaint:
    errors: dict = {}
    _require(errors, "summary", summary, _("Describe how the complaint was resolved."))
    _raise(errors)
    c = _locked(actor, number, "resolve")
    if c.subtasks.filter(status=SubTaskStatus.OPEN).exists():
        raise Conflict(_("Sub-tasks are still open."))
    now = timezone.now()
    # survey_invited: the link issued below, saved with the status rather than by a second UPDATE.
    _move(c, Status.RESOLVED, actor=actor, action="resolve", note=summary,
          fields={"resolved_at": now, "resolution_summary": summary.strip(), "last_progress_at": now,
                  "survey_invited": True})
    surveys.issue(c)
    return c


@transaction.atomic
def request_callback(number: str, *, actor: User, note: str = "") -> Complaint:
    c = _locked(actor, number, "request_callback")
    _move(c, Status.CALLBACK_PENDING, actor=actor, action="request_callback", note=note)
    return c


def _is_dissatisfied(scores: dict[str, int]) -> bool:
    # The result is what the customer came for; a poor result or a poor overall average fails.
    return scores["result"] <= 2 or sum(scores.values()) / len(scores) < 3


def _validate_scores(scores: dict[str, int]) -> None:
    errors = {}
    for dim in ("response_speed", "result", "attitude", "communication"):
        v = scores.get(dim)
        if not isinstance(v, int) or not 1 <= v <= 5:
            errors[dim] = [_("Give a score from 1 to 5.")]
    _raise(errors)


def _apply_satisfaction(c: Complaint, *, scores: dict[str, int], comment: str, source: str,
                        actor: User | None) -> Satisfaction:
    dissatisfied = _is_dissatisfied(scores)
    s = Satisfaction.objects.create(complaint=c, source=source, recorded_by=actor, comment=comment,
                                    dissatisfied=dissatisfied, **scores)
    if not c.rated:  # what the reports count; a dissatisfied rating saves it with the reopening below
        c.rated = True
        if not dissatisfied:
            c.save(update_fields=["rated"])
    event(c, EventKind.SATISFACTION, actor=actor, action="record_satisfaction", note=comment,
          after={**scores, "source": source, "dissatisfied": dissatisfied})
    _changed(c, "record_satisfaction", actor, source=source, dissatisfied=dissatisfied)
    if dissatisfied:
        # A dissatisfied customer reopens the complaint and it counts as a repeat complaint.
        c.reopen_count += 1
        c.is_repeat = True
        _move(c, Status.REOPENED, actor=actor, action="reopen_dissatisfied",
              note=str(_("Customer dissatisfied")),
              fields={"reopen_count": c.reopen_count, "is_repeat": True, "closed_at": None, "rated": True})
    return s


@transaction.atomic
def record_satisfaction(number: str, *, actor: User, scores: dict[str, int], comment: str = "") -> Satisfaction:
    _validate_scores(scores)
    c = _locked(actor, number, "record_satisfaction")
    return _apply_satisfaction(c, scores=scores, comment=comment, source=SatisfactionSource.CALLBACK, actor=actor)


@transaction.atomic
def submit_survey(token: str, *, scores: dict[str, int], comment: str = "") -> Satisfaction:
    """The customer's own answer through a signed single-use link (no staff account)."""
    _validate_scores(scores)
    row = surveys.redeem(token)
    c = Complaint.objects.select_for_update().get(pk=row.complaint_id)
    if c.status not in (Status.RESOLVED, Status.CALLBACK_PENDING, Status.CLOSED):
        raise Conflict(_("This complaint is not waiting for your rating."))
    return _apply_satisfaction(c, scores=scores, comment=comment, source=SatisfactionSource.SURVEY, actor=None)


@transaction.atomic
def verify(number: str, *, actor: User, passed: bool, note: str = "",
           checks: dict[str, bool] | None = None) -> Complaint:
    c = _locked(actor, number, "verify")
    if not passed:
        errors: dict = {}
        _require(errors, "note", note, _("Say what failed verification."))
        _raise(errors)
    if passed and checks and not all(checks.values()):
        raise ValidationFailed.single("passed", _("A failed check cannot pass verification."))
    if passed and c.satisfactions.order_by("-id").values_list("dissatisfied", flat=True).first():
        raise Conflict(_("The customer's last rating was dissatisfied."))
    event(c, EventKind.VERIFICATION, actor=actor, action="verify", after={"passed": passed, **(checks or {})},
          note=note)
    if passed:
        _move(c, Status.CLOSED, actor=actor, action="verify", note=note, fields={"closed_at": timezone.now()})
    else:
        c.reopen_count += 1
        _move(c, Status.REOPENED, actor=actor, action="verify_failed", note=note,
              fields={"reopen_count": c.reopen_count}, customer_visible=False)
    return c


@transaction.atomic
def reopen(number: str, *, actor: User, reason: str) -> Complaint:
    errors: dict = {}
    _require(errors, "reason", reason)
    _raise(errors)
    c = _locked(actor, number, "reopen")
    c.reopen_count += 1
    _move(c, Status.REOPENED, actor=actor, action="reopen", note=reason,
          fields={"reopen_count": c.reopen_count, "closed_at": None})
    return c


@transaction.atomic
def archive(number: str, *, actor: User) -> Complaint:
    c = _locked(actor, number, "archive")
    _move(c, Status.ARCHIVED, actor=actor, action="archive", fields={"archived_at": timezone.now()},
          customer_visible=False)
    return c


@transaction.atomic
def cancel(number: str, *, actor: User, reason: str, duplicate_of: str = "") -> Complaint:
    errors: dict = {}
    _require(errors, "reason", reason, _("Give the reason for cancelling."))
    _raise(errors)
    c = _locked(actor, number, "cancel")
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN, Role.MANAGER) and c.status != Status.NEW:
        raise NotAllowed(_("Only a supervisor can cancel a complaint that is already being handled."))
    note = reason.strip() + (f" ({duplicate_of})" if duplicate_of else "")
    _move(c, Status.CANCELLED, actor=actor, action="cancel", note=note,
          fields={"cancelled_at": timezone.now(), "cancel_reason": note})
    return c


# --- escalation ------------------------------------------------------------------------------

@transaction.atomic
def escalate(number: str, *, actor: User, reason: str, to_level: int | None = None,
             customer_told: bool = False) -> Escalation:
    """Hand the complaint up a level (default: the next one) with a reason (SPEC §6)."""
    errors: dict = {}
    _require(errors, "reason", reason, _("Say why the complaint is escalated."))
    if to_level is not None and not 1 <= to_level <= 3:
        errors["to_level"] = [_("Choose L1, L2 or L3.")]
    _raise(errors)
    c = _locked(actor, number, "escalate")
    return escalation_service.escalate(c, to_level=to_level, reason=reason.strip(), trigger="manual", actor=actor,
                                       customer_told=customer_told)


# --- personal data ---------------------------------------------------------------------------

@transaction.atomic
def reveal_contact(number: str, *, actor: User, ip: str | None = None) -> dict[str, str]:
    """Full phone/email of the customer; every reveal is audited and on the timeline."""
    c = access_complaint(actor, number)
    if not can_reveal_contact(actor, c):
        raise NotAllowed(_("Your role may not see the customer's full contact data."))
    AuditLog.objects.create(actor=actor, action="reveal_contact", target=c.number, ip=ip)
    event(c, EventKind.CONTACT_REVEALED, actor=actor, action="reveal_contact")
    cu = c.customer
    return {"name": cu.name, "phone": cu.phone, "email": cu.email, "member_no": cu.member_no}
