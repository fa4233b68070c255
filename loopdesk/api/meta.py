"""Reference data for clients: the caller, problem types, the workflow table, staff, departments."""

from __future__ import annotations

from ninja import Router, Schema

from loopdesk.accounts.login import sign_in
from loopdesk.accounts.models import ApiToken, Department, User
from loopdesk.api import serialize
from loopdesk.api.schemas import Strict, TokenIn, TokenOut
from loopdesk.classification.models import ProblemType
from loopdesk.classification.suggest import suggest
from loopdesk.complaints.workflow import TRANSITIONS

router = Router(tags=["reference"])
public = Router(tags=["auth"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    department: str | None


@public.post("/auth/token", response={201: TokenOut}, auth=None)
def issue_token(request, payload: TokenIn):
    """Exchange a username and password for a personal API token (shown once). Rate-limited."""
    user = sign_in(request, payload.username, payload.password)
    _row, raw = ApiToken.issue(user, payload.name)
    return 201, {"token": raw, "name": payload.name, "user": serialize.user_ref(user), "role": user.role}


@router.get("/me", response=MeOut)
def me(request):
    u = request.auth
    return {"id": u.pk, "username": u.username, "name": u.label, "role": u.role,
            "department": u.department.code if u.department_id else None}


@router.get("/problem-types")
def problem_types(request):
    rows = ProblemType.objects.filter(active=True).select_related("parent")
    return [{"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "name": p.display_name,
             "parent": p.parent.code if p.parent_id else None} for p in rows]


@router.get("/workflow")
def workflow(request):
    """The transition table every client and the domain share."""
    return [{"action": t.action, "label": str(t.label), "from": list(t.sources), "to": t.target,
             "negative_outcome_to": t.alt_target, "roles": sorted(t.roles), "relations": sorted(t.relations)}
            for t in TRANSITIONS.values()]


@router.get("/departments")
def departments(request):
    return [{"id": d.pk, "code": d.code, "name_zh": d.name_zh, "name_en": d.name_en}
            for d in Department.objects.all()]


@router.get("/staff")
def staff(request):
    rows = User.objects.filter(is_active=True).select_related("department").order_by("id")
    return [{"id": u.pk, "username": u.username, "name": u.label, "role": u.role,
             "department": u.department.code if u.department_id else None} for u in rows]


class SuggestIn(Strict):
    text: str


@router.post("/suggestions")
def suggestions(request, payload: SuggestIn):
    """Classification suggestions for a text; nothing is applied."""
    return [s.__dict__ for s in suggest(payload.text[:10000])]
