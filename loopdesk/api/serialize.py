"""ORM rows → response dicts. Contact data is always masked here; revealing is a separate action."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from loopdesk.complaints.access import available_actions, mask_email, mask_phone, may
from loopdesk.complaints.models import Complaint, Event, EventKind, Status
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.core import prebuilt
from loopdesk.deadlines.clocks import deadline_dicts
from loopdesk.deadlines.schemas import DeadlineOut

# What an answer shows of a clock: DeadlineOut's fields, in its order (the create answer is written
# without a validation pass that would drop the rest).
_DEADLINE_FIELDS = tuple(DeadlineOut.model_fields)


def user_ref(u) -> dict | None:
    return None if u is None else {"id": u.pk, "username": u.username, "name": u.label}


def ref(obj) -> dict | None:
    if obj is None:
        return None
    name = getattr(obj, "display_name", None) or str(obj)
    return {"id": obj.pk, "code": getattr(obj, "code", ""), "name": name}


def customer(cu) -> dict:
    return {"id": cu.pk, "name": cu.name, "anonymous": cu.anonymous, "phone": mask_phone(cu.phone) if cu.phone else "",
            "email": mask_email(cu.email) if cu.email else "", "member_no": cu.member_no, "region": cu.region,
            "level": cu.level}


# Lazy labels by value: get_FOO_display hashes every choice on each call.
_STATUS_LABELS = dict(Status.choices)
_KIND_LABELS = dict(EventKind.choices)


def summary(c: Complaint) -> dict:
    return {
        "number": c.number, "status": c.status, "status_label": str(_STATUS_LABELS.get(c.status, c.status)),
        "channel": c.channel, "subject": c.subject, "priority": c.priority, "severity": c.severity, "risk": c.risk,
        "problem_type": ref(c.problem_type), "department": ref(c.department), "owner": user_ref(c.owner),
        "customer": customer(c.customer), "received_at": c.received_at, "registered_at": c.registered_at,
        "is_repeat": c.is_repeat, "escalation_level": c.escalation_level,
    }


# The columns `summary_row` reads: a list page is built from plain values, without model instances
# (five per row with the joined customer, type, department and owner).
SUMMARY_VALUES = (
    "id", "number", "status", "channel", "subject", "priority", "severity", "risk", "received_at",
    "registered_at", "is_repeat", "escalation_level",
    "problem_type_id", "problem_type__code", "problem_type__name_zh", "problem_type__name_en",
    "department_id", "department__code", "department__name_zh",
    "owner_id", "owner__username", "owner__display_name",
    "customer_id", "customer__name", "customer__anonymous", "customer__phone", "customer__email",
    "customer__member_no", "customer__region", "customer__level",
)


# Stands for the page's ids in the row statement until a page's own id query takes its place.
_PAGE_IDS = "SELECT loopdesk_page_ids"


class _RowStatement:
    """The SELECT of SUMMARY_VALUES (four joins) for the complaints whose ids a subquery gives, in
    one ordering: compiled by the ORM once per process, with the ORM's converters for its columns."""

    def __init__(self, ordering: tuple[str, ...]) -> None:
        page_ids = RawSQL(_PAGE_IDS, ())  # noqa: S611 - a constant
        qs = Complaint.objects.filter(pk__in=page_ids).order_by(*ordering).values(*SUMMARY_VALUES)
        compiler = qs.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if params or sql.count(_PAGE_IDS) != 1:
            raise AssertionError(f"unexpected row statement: {sql} {params}")
        self.head, self.tail = sql.split(_PAGE_IDS)
        self.converters: prebuilt.Converters = [
            (i, convs, col) for i, (convs, col) in compiler.get_converters([s[0] for s in compiler.select]).items()]

    def rows(self, ids_sql: str, params: tuple) -> list[dict]:
        with connection.cursor() as cursor:
            cursor.execute(self.head + ids_sql + self.tail, params)
            fetched = cursor.fetchall()
        return [dict(zip(SUMMARY_VALUES, prebuilt.convert(row, self.converters), strict=True)) for row in fetched]


def summary_rows(qs: QuerySet[Complaint], *, searching: bool = False) -> list[dict]:
    """The rows of an ordered, sliced complaint query as `values()` dicts for `summary_row`.

    One statement, in two parts: the ORM compiles only the query of the page's ids (filters, scope,
    cursor, order, limit), and the select of thirty columns over four joins around it is compiled
    once per process. Compiling the whole `values()` query cost about 1 ms of the worker's CPU per
    list page, more than the database spent answering it (docs/PERFORMANCE.md).

    `searching`: the whole query is compiled as one. For a one-word search PostgreSQL's estimate of
    the matches is too low (the bigrams of a word occur together); seeing the joins each match costs
    is what makes it walk the newest rows until the page is full. Asked for ids alone, it collects
    every match and sorts them: 20 ms instead of 0.6 ms at 9,000 matches (core/textsearch.py)."""
    if searching:
        return list(qs.values(*SUMMARY_VALUES))
    ordering = tuple(qs.query.order_by)
    try:
        ids_sql, params = qs.values("pk").query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # e.g. qs.none(), or a filter on an empty list
        return []
    statement = prebuilt.once(("serialize.summary_rows", ordering), lambda: _RowStatement(ordering))
    return statement.rows(ids_sql, params)


def summary_row(v: dict, status_labels: dict[str, str], english: bool) -> dict:
    """`summary()` of a `summary_rows` row, field for field (same names, masks and labels)."""
    phone, email = v["customer__phone"], v["customer__email"]
    return {
        "number": v["number"], "status": v["status"], "status_label": status_labels.get(v["status"], v["status"]),
        "channel": v["channel"], "subject": v["subject"], "priority": v["priority"], "severity": v["severity"],
        "risk": v["risk"],
        "problem_type": None if v["problem_type_id"] is None else {
            "id": v["problem_type_id"], "code": v["problem_type__code"],
            "name": v["problem_type__name_en"] if english else v["problem_type__name_zh"]},
        # ref(): a department has no display_name, so its name is str(department), the Chinese name.
        "department": None if v["department_id"] is None else {
            "id": v["department_id"], "code": v["department__code"], "name": v["department__name_zh"]},
        "owner": None if v["owner_id"] is None else {
            "id": v["owner_id"], "username": v["owner__username"],
            "name": v["owner__display_name"] or v["owner__username"]},
        "customer": {"id": v["customer_id"], "name": v["customer__name"], "anonymous": v["customer__anonymous"],
                     "phone": mask_phone(phone) if phone else "", "email": mask_email(email) if email else "",
                     "member_no": v["customer__member_no"], "region": v["customer__region"],
                     "level": v["customer__level"]},
        "received_at": v["received_at"], "registered_at": v["registered_at"], "is_repeat": v["is_repeat"],
        "escalation_level": v["escalation_level"],
    }


def summaries(rows: list[dict]) -> list[dict]:
    # Labels are translated once per page (get_status_display would hash all eleven per row).
    labels = {value: str(label) for value, label in _STATUS_LABELS.items()}
    english = (get_language() or "").startswith("en")
    return [summary_row(v, labels, english) for v in rows]


def _relations_of_new(user, c: Complaint) -> set[str]:
    """access.relations() of a complaint registered in this request: it has no co-handlers or sub-tasks yet."""
    rel: set[str] = set()
    if c.owner_id == user.pk:
        rel |= {"owner", "worker"}
    if c.registered_by_id == user.pk:
        rel.add("registrar")
    return rel


def detail(c: Complaint, user, suggestions=None, *, new: bool = False) -> dict:
    """`new`: c was just registered by this request, so nothing else can be attached to it yet."""
    if new:
        rel = _relations_of_new(user, c)
        actions = [t.action for t in TRANSITIONS.values() if c.status in t.sources and may(user, c, t, rel)]
        co_handlers = []
    else:
        actions = [t.action for t in available_actions(user, c)]
        co_handlers = [user_ref(u) for u in c.co_handlers.all()]
    out = summary(c)
    out.update({
        "channel_ref": c.channel_ref, "order_no": c.order_no, "product": c.product, "region": c.region,
        "description": c.description, "facts": c.facts, "core_demand": c.core_demand,
        "expected_resolution_at": c.expected_resolution_at, "compensation_amount": c.compensation_amount,
        "compensation_kind": c.compensation_kind, "nature": c.nature, "scope": c.scope,
        "priority_override_reason": c.priority_override_reason,
        "co_handlers": co_handlers,
        "repeat_of": c.repeat_of.number if c.repeat_of_id else None, "reopen_count": c.reopen_count,
        "registration_delay_seconds": c.registration_delay_seconds, "accepted_at": c.accepted_at,
        "first_response_at": c.first_response_at, "resolved_at": c.resolved_at, "closed_at": c.closed_at,
        "archived_at": c.archived_at, "cancel_reason": c.cancel_reason, "resolution_summary": c.resolution_summary,
        "available_actions": actions,
        "suggestions": [s.__dict__ for s in suggestions or []],
        "deadlines": [{k: d[k] for k in _DEADLINE_FIELDS} for d in deadline_dicts(c)],
    })
    return out


def event(e: Event) -> dict:
    return {"id": e.pk, "kind": e.kind, "kind_label": str(_KIND_LABELS.get(e.kind, e.kind)), "action": e.action,
            "actor": user_ref(e.actor), "at": e.at, "before": e.before, "after": e.after, "note": e.note,
            "customer_visible": e.customer_visible}
