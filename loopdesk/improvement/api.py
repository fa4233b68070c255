"""Problems, root-cause analysis and improvement actions (SPEC §7) in API v1, under /improvement/."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from loopdesk.api import serialize
from loopdesk.api.schemas import Strict
from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.core.errors import ValidationFailed
from loopdesk.improvement import measures, metrics, problems, similar
from loopdesk.improvement.access import (
    access_action,
    access_problem,
    require_manage,
    require_view,
    visible_actions,
    visible_problems,
)
from loopdesk.improvement.models import (
    FIVE_W_ONE_H,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CauseCategory,
    Metric,
    Problem,
    ProblemComplaint,
    ProblemStatus,
)

router = Router(tags=["improvement"])
MAX_LIMIT = 100


# --- shapes ---

class CauseSchema(Schema):
    category: CauseCategory
    text: str = Field(..., max_length=500)


class ProblemIn(Strict):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    problem_type: str | None = Field(None, max_length=40)
    product: str = Field("", max_length=100)
    owner_id: int | None = None
    numbers: list[str] = Field(default_factory=list, max_length=200)


class ProblemPatch(Strict):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    problem_type: str | None = Field(None, max_length=40)
    product: str | None = Field(None, max_length=100)
    owner_id: int | None = None


class LinkIn(Strict):
    numbers: list[str] = Field(..., max_length=200)


class AnalysisIn(Strict):
    what: str = Field("", max_length=5000)
    why: str = Field("", max_length=5000)
    when: str = Field("", max_length=5000)
    where: str = Field("", max_length=5000)
    who: str = Field("", max_length=5000)
    how: str = Field("", max_length=5000)
    causes: list[CauseSchema] = Field(default_factory=list, max_length=50)


class RootCauseIn(Strict):
    root_cause: str = Field(..., max_length=5000)


class PersonOut(Schema):
    id: int
    username: str
    name: str


class RefOut(Schema):
    id: int
    code: str
    name: str


class ProblemSummary(Schema):
    id: int
    title: str
    status: ProblemStatus
    status_label: str
    problem_type: RefOut | None
    product: str
    owner: PersonOut | None
    complaints: int
    open_actions: int
    created_at: datetime


class ProblemDetail(ProblemSummary):
    description: str
    what: str
    why: str
    when: str
    where: str
    who: str
    how: str
    causes: list[CauseSchema]
    analysed_by: PersonOut | None
    analysed_at: datetime | None
    root_cause: str
    root_cause_confirmed_by: PersonOut | None
    root_cause_confirmed_at: datetime | None
    closed_at: datetime | None


class ProblemPage(Schema):
    items: list[ProblemSummary]
    next_cursor: int | None


class LinkedComplaintOut(Schema):
    number: str
    subject: str
    status: str
    product: str
    problem_type: str | None
    received_at: datetime
    linked_by: PersonOut | None
    linked_at: datetime


class SimilarComplaintOut(Schema):
    number: str
    subject: str
    status: str
    product: str
    problem_type: str | None
    received_at: datetime
    score: float


class ActionIn(Strict):
    problem_id: int | None = None
    measure: str = Field(..., max_length=2000)
    metric: Metric
    metric_problem_type: str | None = Field(None, max_length=40)
    metric_product: str | None = Field(None, max_length=100)
    baseline_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    target_value: Decimal = Field(..., max_digits=12, decimal_places=2)
    owner_id: int
    department_id: int
    due_date: str = Field(..., max_length=10, description="YYYY-MM-DD")
    evaluation_weeks: int = 4


class ActionPatch(Strict):
    measure: str | None = Field(None, max_length=2000)
    metric: Metric | None = None
    metric_problem_type: str | None = Field(None, max_length=40)
    metric_product: str | None = Field(None, max_length=100)
    baseline_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    target_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    owner_id: int | None = None
    department_id: int | None = None
    due_date: str | None = Field(None, max_length=10, description="YYYY-MM-DD")
    evaluation_weeks: int | None = None


class CompleteIn(Strict):
    result: str = Field(..., max_length=5000)


class ActionCancelIn(Strict):
    reason: str = Field(..., max_length=2000)


class ActionOut(Schema):
    id: int
    problem_id: int | None
    measure: str
    metric: Metric
    metric_label: str
    metric_problem_type: RefOut | None
    metric_product: str
    baseline_value: Decimal
    target_value: Decimal
    evaluation_weeks: int
    owner: PersonOut
    department: RefOut
    due_date: date
    status: ActionStatus
    status_label: str
    overdue: bool
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    result_note: str
    created_at: datetime


class ActionPage(Schema):
    items: list[ActionOut]
    next_cursor: int | None


class ReadingOut(Schema):
    start: datetime
    end: datetime
    value: Decimal | None
    count: int


class EffectOut(Schema):
    action_id: int
    metric: Metric
    metric_label: str
    lower_is_better: bool
    baseline_value: Decimal
    target_value: Decimal
    before: ReadingOut
    after: ReadingOut | None
    final: bool
    change: Decimal | None
    improved: bool | None
    target_met: bool | None


class ProblemFilters(Schema):
    status: ProblemStatus | None = None
    cursor: int | None = None
    limit: int = 25


class ActionFilters(Schema):
    status: ActionStatus | None = None
    problem_id: int | None = None
    overdue: bool = False
    mine: bool = False
    cursor: int | None = None
    limit: int = 25


# --- rows → dicts ---

_ref = serialize.ref


def _counted(qs):
    return qs.annotate(n_complaints=Count("links", distinct=True),
                       n_open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES),
                                            distinct=True))


def _problem(p, *, detail: bool = False) -> dict:
    out = {"id": p.pk, "title": p.title, "status": p.status, "status_label": p.get_status_display(),
           "problem_type": _ref(p.problem_type), "product": p.product, "owner": serialize.user_ref(p.owner),
           "complaints": p.n_complaints, "open_actions": p.n_open_actions, "created_at": p.created_at}
    if detail:
        out.update({k: getattr(p, k) for k in ("description", *FIVE_W_ONE_H, "analysed_at", "root_cause",
                                               "root_cause_confirmed_at", "closed_at")})
        out["causes"] = [{"category": c.category, "text": c.text} for c in p.causes.all()]
        out["analysed_by"] = serialize.user_ref(p.analysed_by)
        out["root_cause_confirmed_by"] = serialize.user_ref(p.root_cause_confirmed_by)
    return out


def _complaint_row(c) -> dict:
    return {"number": c.number, "subject": c.subject, "status": c.status, "product": c.product,
            "problem_type": c.problem_type.code if c.problem_type_id else None, "received_at": c.received_at}


def _action(a) -> dict:
    return {"id": a.pk, "problem_id": a.problem_id, "measure": a.measure, "metric": a.metric,
            "metric_label": a.get_metric_display(), "metric_problem_type": _ref(a.metric_problem_type),
            "metric_product": a.metric_product, "baseline_value": a.baseline_value, "target_value": a.target_value,
            "evaluation_weeks": a.evaluation_weeks, "owner": serialize.user_ref(a.owner),
            "department": _ref(a.department),
            "due_date": a.due_date, "status": a.status, "status_label": a.get_status_display(),
            "overdue": a.is_overdue(), "started_at": a.started_at, "completed_at": a.completed_at,
            "cancelled_at": a.cancelled_at, "result_note": a.result_note, "created_at": a.created_at}


def _link(link) -> dict:
    return {**_complaint_row(link.complaint), "linked_by": serialize.user_ref(link.linked_by),
            "linked_at": link.linked_at}


def _reading(r) -> dict | None:
    return None if r is None else {"start": r.start, "end": r.end, "value": r.value, "count": r.count}


def _date(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.single(name, _("Enter a date as YYYY-MM-DD.")) from None


def _limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))


def _detail(request, problem_id: int) -> dict:
    p = access_problem(request.auth, problem_id)
    p = (_counted(Problem.objects.filter(pk=p.pk)).select_related("problem_type", "owner", "analysed_by",
                                                                 "root_cause_confirmed_by")
         .prefetch_related("causes").get())
    return _problem(p, detail=True)


# --- problems ---

@router.get("/improvement/problems", response=ProblemPage)
def list_problems(request, filters: Query[ProblemFilters]):
    """Newest first. Pass `next_cursor` back as `cursor` for older problems."""
    require_view(request.auth)
    _limit(filters.limit)
    qs = visible_problems(request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.cursor:
        qs = qs.filter(id__lt=filters.cursor)
    rows = list(_counted(qs).select_related("problem_type", "owner").order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_problem(p) for p in rows], "next_cursor": rows[-1].pk if more and rows else None}


@router.post("/improvement/problems", response={201: ProblemDetail})
def create_problem(request, payload: ProblemIn):
    """Create a problem, optionally grouping complaints into it at once (all or nothing)."""
    p = problems.create_problem(actor=request.auth, **payload.model_dump())
    return 201, _detail(request, p.pk)


@router.get("/improvement/problems/{problem_id}", response=ProblemDetail)
def get_problem(request, problem_id: int):
    return _detail(request, problem_id)


@router.patch("/improvement/problems/{problem_id}", response=ProblemDetail)
def update_problem(request, problem_id: int, payload: ProblemPatch):
    problems.update_problem(problem_id, actor=request.auth, **payload.model_dump(exclude_unset=True))
    return _detail(request, problem_id)


@router.get("/improvement/problems/{problem_id}/complaints", response=list[LinkedComplaintOut])
def linked_complaints(request, problem_id: int):
    """The complaints grouped into the problem, as far as the caller may see them."""
    p = access_problem(request.auth, problem_id)
    links = (p.links.filter(complaint__in=visible_complaints(request.auth))
             .select_related("complaint__problem_type", "linked_by").order_by("linked_at", "id"))
    return [_link(link) for link in links]


@router.post("/improvement/problems/{problem_id}/complaints", response=list[LinkedComplaintOut])
def link_complaints(request, problem_id: int, payload: LinkIn):
    """Group complaints into the problem (each gets a timeline event). Returns the ones newly linked."""
    new = problems.link_complaints(problem_id, payload.numbers, actor=request.auth)
    links = (ProblemComplaint.objects.filter(complaint__in=new).select_related("complaint__problem_type", "linked_by")
             .order_by("id"))
    return [_link(link) for link in links]


@router.delete("/improvement/problems/{problem_id}/complaints/{number}", response={204: None})
def unlink_complaint(request, problem_id: int, number: str):
    problems.unlink_complaint(problem_id, number, actor=request.auth)
    return 204, None


@router.get("/improvement/problems/{problem_id}/suggestions", response=list[SimilarComplaintOut])
def problem_suggestions(request, problem_id: int):
    """Complaints not yet grouped, of the problem's type and product, whose words resemble it."""
    p = access_problem(request.auth, problem_id, manage=True)
    return [{**_complaint_row(s.complaint), "score": s.score} for s in similar.for_problem(request.auth, p)]


@router.put("/improvement/problems/{problem_id}/analysis", response=ProblemDetail)
def record_analysis(request, problem_id: int, payload: AnalysisIn):
    """Replace the 5W1H answers and the fishbone causes (人/机/料/法/环)."""
    data = payload.model_dump()
    causes = [problems.CauseInput(category=getattr(c["category"], "value", c["category"]), text=c["text"])
              for c in data.pop("causes")]
    problems.record_analysis(problem_id, actor=request.auth, causes=causes, **data)
    return _detail(request, problem_id)


@router.post("/improvement/problems/{problem_id}/root-cause", response=ProblemDetail)
def confirm_root_cause(request, problem_id: int, payload: RootCauseIn):
    problems.confirm_root_cause(problem_id, actor=request.auth, root_cause=payload.root_cause)
    return _detail(request, problem_id)


@router.post("/improvement/problems/{problem_id}/close", response=ProblemDetail)
def close_problem(request, problem_id: int):
    problems.close_problem(problem_id, actor=request.auth)
    return _detail(request, problem_id)


@router.post("/improvement/problems/{problem_id}/reopen", response=ProblemDetail)
def reopen_problem(request, problem_id: int):
    problems.reopen_problem(problem_id, actor=request.auth)
    return _detail(request, problem_id)


@router.get("/improvement/complaints/{number}/similar", response=list[SimilarComplaintOut])
def similar_complaints(request, number: str):
    """Complaints not yet grouped that resemble this one: candidates for one problem."""
    require_manage(request.auth)
    c = access_complaint(request.auth, number)
    return [{**_complaint_row(s.complaint), "score": s.score} for s in similar.for_complaint(request.auth, c)]


# --- improvement actions ---

@router.get("/improvement/actions", response=ActionPage)
def list_actions(request, filters: Query[ActionFilters]):
    """By id, newest first. `overdue=true`: open actions past their due date."""
    require_view(request.auth)
    _limit(filters.limit)
    qs = visible_actions(request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.problem_id:
        qs = qs.filter(problem_id=filters.problem_id)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate())
    if filters.mine:
        qs = qs.filter(owner=request.auth)
    if filters.cursor:
        qs = qs.filter(id__lt=filters.cursor)
    rows = list(qs.select_related("owner", "department", "metric_problem_type").order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_action(a) for a in rows], "next_cursor": rows[-1].pk if more and rows else None}


@router.post("/improvement/actions", response={201: ActionOut})
def create_action(request, payload: ActionIn):
    """Plan a SMART action. Without `baseline_value` the metric over the last evaluation period is used."""
    data = payload.model_dump()
    data["metric"] = data["metric"].value if hasattr(data["metric"], "value") else data["metric"]
    data["due_date"] = _date("due_date", data["due_date"])
    a = measures.create_action(actor=request.auth, **data)
    return 201, _action(access_action(request.auth, a.pk))


@router.get("/improvement/actions/{action_id}", response=ActionOut)
def get_action(request, action_id: int):
    return _action(access_action(request.auth, action_id))


@router.patch("/improvement/actions/{action_id}", response=ActionOut)
def update_action(request, action_id: int, payload: ActionPatch):
    data = payload.model_dump(exclude_unset=True)
    if "metric" in data and data["metric"] is not None:
        data["metric"] = getattr(data["metric"], "value", data["metric"])
    if "due_date" in data:
        data["due_date"] = _date("due_date", data["due_date"])
    measures.update_action(action_id, actor=request.auth, **data)
    return _action(access_action(request.auth, action_id))


@router.post("/improvement/actions/{action_id}/start", response=ActionOut)
def start_action(request, action_id: int):
    measures.start_action(action_id, actor=request.auth)
    return _action(access_action(request.auth, action_id))


@router.post("/improvement/actions/{action_id}/complete", response=ActionOut)
def complete_action(request, action_id: int, payload: CompleteIn):
    measures.complete_action(action_id, actor=request.auth, result=payload.result)
    return _action(access_action(request.auth, action_id))


@router.post("/improvement/actions/{action_id}/cancel", response=ActionOut)
def cancel_action(request, action_id: int, payload: ActionCancelIn):
    measures.cancel_action(action_id, actor=request.auth, reason=payload.reason)
    return _action(access_action(request.auth, action_id))


@router.get("/improvement/actions/{action_id}/effect", response=EffectOut)
def action_effect(request, action_id: int):
    """The metric before the action started against after it was completed, from the records."""
    a = access_action(request.auth, action_id)
    e = metrics.evaluate(a)
    return {"action_id": a.pk, "metric": a.metric, "metric_label": a.get_metric_display(),
            "lower_is_better": e.lower_is_better, "baseline_value": e.baseline, "target_value": e.target,
            "before": _reading(e.before), "after": _reading(e.after), "final": e.final, "change": e.change,
            "improved": e.improved, "target_met": e.target_met}
