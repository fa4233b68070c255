"""One function per change to a problem: create, edit, link and unlink complaints, record the
5W1H and fishbone analysis, confirm the root cause, close and reopen.

Each runs in one transaction with the problem row locked, checks access first and validates
everything before writing, so a refusal or a bad field leaves nothing half-saved. Linking or
unlinking a complaint writes an event on that complaint's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.complaints.access import visible_complaints
from loopdesk.complaints.models import Complaint, Event, EventKind
from loopdesk.complaints.timeline import record
from loopdesk.core.errors import Conflict, ValidationFailed
from loopdesk.improvement import validation as v
from loopdesk.improvement.access import access_problem, require_manage
from loopdesk.improvement.models import (
    FIVE_W_ONE_H,
    OPEN_ACTION_STATUSES,
    Cause,
    CauseCategory,
    Problem,
    ProblemComplaint,
    ProblemStatus,
)

MAX_LINK = 200
MAX_CAUSES = 50
TEXT_MAX = 5000


@dataclass(frozen=True)
class CauseInput:
    category: str
    text: str


def _label(problem: Problem) -> str:
    # Stored on the complaint's timeline: stable text, readable without a lookup.
    return f"#{problem.pk} {problem.title}"


def _not_closed(problem: Problem) -> None:
    if problem.status == ProblemStatus.CLOSED:
        raise Conflict(_("The problem is closed; reopen it first."))


@transaction.atomic
def create_problem(*, actor: User, title: str, description: str = "", problem_type: str | None = None,
                   product: str = "", owner_id: int | None = None, numbers: Iterable[str] = ()) -> Problem:
    require_manage(actor)
    errors: v.Errors = {}
    title = v.text(errors, "title", title, max_length=200, required=True)
    description = v.text(errors, "description", description, max_length=TEXT_MAX)
    pt = v.problem_type(errors, "problem_type", problem_type)
    product = v.text(errors, "product", product, max_length=100)
    owner = v.owner(errors, "owner_id", owner_id, required=False)
    complaints = _complaints(actor, numbers, errors)
    v.raise_if(errors)
    problem = Problem.objects.create(title=title, description=description, problem_type=pt, product=product,
                                     owner=owner or actor, created_by=actor)
    _link(problem, complaints, actor)
    return problem


@transaction.atomic
def update_problem(problem_id: int, *, actor: User, **changes) -> Problem:
    """Edit title, description, problem_type (code), product, owner_id: only the ones given."""
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    errors: v.Errors = {}
    fields: dict = {}
    if "title" in changes:
        fields["title"] = v.text(errors, "title", changes["title"], max_length=200, required=True)
    if "description" in changes:
        fields["description"] = v.text(errors, "description", changes["description"], max_length=TEXT_MAX)
    if "problem_type" in changes:
        fields["problem_type"] = v.problem_type(errors, "problem_type", changes["problem_type"])
    if "product" in changes:
        fields["product"] = v.text(errors, "product", changes["product"], max_length=100)
    if "owner_id" in changes:
        fields["owner"] = v.owner(errors, "owner_id", changes["owner_id"], required=True)
    v.raise_if(errors)
    for k, value in fields.items():
        setattr(problem, k, value)
    if fields:
        problem.save(update_fields=[*fields, "updated_at"])
    return problem


def _complaints(actor: User, numbers: Iterable[str], errors: v.Errors) -> list[Complaint]:
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    if len(wanted) > MAX_LINK:
        errors.setdefault("numbers", []).append(_("Link at most %(n)s complaints at once.") % {"n": MAX_LINK})
        return []
    found = {c.number: c for c in visible_complaints(actor).filter(number__in=wanted)}
    for n in wanted:
        if n not in found:
            errors.setdefault("numbers", []).append(_("Complaint %(number)s not found.") % {"number": n})
    return [found[n] for n in wanted if n in found]


def _link(problem: Problem, complaints: list[Complaint], actor: User) -> list[Complaint]:
    """Link the complaints not linked yet; a complaint in another problem is a field error."""
    taken = dict(ProblemComplaint.objects.filter(complaint__in=complaints)
                 .values_list("complaint_id", "problem_id"))
    errors: v.Errors = {}
    for c in complaints:
        other = taken.get(c.pk)
        if other is not None and other != problem.pk:
            errors.setdefault("numbers", []).append(
                _("Complaint %(number)s already belongs to problem #%(problem)s.")
                % {"number": c.number, "problem": other})
    v.raise_if(errors)
    new = [c for c in complaints if c.pk not in taken]
    if not new:
        return []
    now = timezone.now()
    try:
        with transaction.atomic():
            ProblemComplaint.objects.bulk_create(
                [ProblemComplaint(problem=problem, complaint=c, linked_by=actor, linked_at=now) for c in new])
    except IntegrityError:
        # Someone linked one of them to another problem in the meantime.
        raise Conflict(_("One of these complaints was just linked to another problem; try again.")) from None
    record(Event(complaint=c, kind=EventKind.FIELD, actor=actor, action="link_problem", at=now,
                 after={"problem": _label(problem)}) for c in new)
    return new


@transaction.atomic
def link_complaints(problem_id: int, numbers: Iterable[str], *, actor: User) -> list[Complaint]:
    """Group complaints into the problem. Already linked ones are skipped; returns the new ones."""
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    errors: v.Errors = {}
    numbers = list(numbers)
    if not any(n and n.strip() for n in numbers):
        errors["numbers"] = [_("This field is required.")]
    complaints = _complaints(actor, numbers, errors)
    v.raise_if(errors)
    return _link(problem, complaints, actor)


@transaction.atomic
def unlink_complaint(problem_id: int, number: str, *, actor: User) -> None:
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    link = (ProblemComplaint.objects.select_related("complaint")
            .filter(problem=problem, complaint__in=visible_complaints(actor), complaint__number=number).first())
    if link is None:
        raise ValidationFailed.single("number", _("Complaint %(number)s is not in this problem.")
                                      % {"number": number})
    link.delete()
    record([Event(complaint=link.complaint, kind=EventKind.FIELD, actor=actor, action="unlink_problem",
                  before={"problem": _label(problem)}, after={"problem": None})])


@transaction.atomic
def record_analysis(problem_id: int, *, actor: User, causes: Iterable[CauseInput], **five_w: str) -> Problem:
    """Replace the 5W1H answers and the fishbone causes. An open problem becomes 'analysing'."""
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    errors: v.Errors = {}
    unknown = set(five_w) - set(FIVE_W_ONE_H)
    if unknown:
        raise TypeError(f"unknown analysis fields: {sorted(unknown)}")
    answers = {k: v.text(errors, k, five_w.get(k, ""), max_length=TEXT_MAX) for k in FIVE_W_ONE_H}
    rows: list[Cause] = []
    causes = list(causes)
    if len(causes) > MAX_CAUSES:
        errors.setdefault("causes", []).append(_("Record at most %(n)s causes.") % {"n": MAX_CAUSES})
    for i, cause in enumerate(causes[:MAX_CAUSES]):
        if cause.category not in CauseCategory.values:
            errors.setdefault(f"causes.{i}.category", []).append(_("Choose one of: %(choices)s.")
                                                                % {"choices": ", ".join(CauseCategory.values)})
        text = v.text(errors, f"causes.{i}.text", cause.text, max_length=500, required=True)
        rows.append(Cause(problem=problem, category=cause.category, text=text, order=i))
    v.raise_if(errors)
    for k, value in answers.items():
        setattr(problem, k, value)
    problem.analysed_by, problem.analysed_at = actor, timezone.now()
    fields = [*FIVE_W_ONE_H, "analysed_by", "analysed_at", "updated_at"]
    if problem.status == ProblemStatus.OPEN:
        problem.status = ProblemStatus.ANALYSING
        fields.append("status")
    problem.causes.all().delete()
    Cause.objects.bulk_create(rows)
    problem.save(update_fields=fields)
    return problem


@transaction.atomic
def confirm_root_cause(problem_id: int, *, actor: User, root_cause: str) -> Problem:
    """Record the confirmed root cause. It must rest on a recorded analysis (5W1H or fishbone)."""
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    errors: v.Errors = {}
    root_cause = v.text(errors, "root_cause", root_cause, max_length=TEXT_MAX, required=True)
    v.raise_if(errors)
    if not problem.has_analysis and not problem.causes.exists():
        raise Conflict(_("Record the analysis (5W1H or fishbone causes) before confirming a root cause."))
    problem.root_cause = root_cause
    problem.root_cause_confirmed_by, problem.root_cause_confirmed_at = actor, timezone.now()
    problem.status = ProblemStatus.ROOT_CAUSE_CONFIRMED
    problem.save(update_fields=["root_cause", "root_cause_confirmed_by", "root_cause_confirmed_at", "status",
                                "updated_at"])
    return problem


@transaction.atomic
def close_problem(problem_id: int, *, actor: User) -> Problem:
    """Close a problem once none of its improvement actions is still planned or in progress."""
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    _not_closed(problem)
    if problem.actions.filter(status__in=OPEN_ACTION_STATUSES).exists():
        raise Conflict(_("Finish or cancel the problem's open improvement actions before closing it."))
    problem.status, problem.closed_at = ProblemStatus.CLOSED, timezone.now()
    problem.save(update_fields=["status", "closed_at", "updated_at"])
    return problem


@transaction.atomic
def reopen_problem(problem_id: int, *, actor: User) -> Problem:
    problem = access_problem(actor, problem_id, manage=True, for_update=True)
    if problem.status != ProblemStatus.CLOSED:
        raise Conflict(_("Only a closed problem can be reopened."))
    if problem.root_cause_confirmed_at:
        problem.status = ProblemStatus.ROOT_CAUSE_CONFIRMED
    elif problem.analysed_at:
        problem.status = ProblemStatus.ANALYSING
    else:
        problem.status = ProblemStatus.OPEN
    problem.closed_at = None
    problem.save(update_fields=["status", "closed_at", "updated_at"])
    return problem
