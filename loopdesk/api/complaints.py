"""Complaints: create (idempotent), retrieve, list with filters, search and cursor pagination."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import AwareDatetime

from loopdesk.api import serialize
from loopdesk.api.schemas import ComplaintDetail, ComplaintIn, EventOut, Page
from loopdesk.classification.models import ProblemType
from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.core.errors import ValidationFailed
from loopdesk.core.textsearch import search

router = Router(tags=["complaints"])
MAX_LIMIT = 100


@router.post("/complaints", response={200: ComplaintDetail, 201: ComplaintDetail})
def create_complaint(request, payload: ComplaintIn):
    """Register a complaint. Send an `Idempotency-Key` header to make retries safe."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise ValidationFailed.single("Idempotency-Key", _("Use at most %(n)s characters.") % {"n": 100})
    data = payload.dict()
    customer = CustomerInput(**{k: (v.value if hasattr(v, "value") else v) for k, v in data.pop("customer").items()})
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    data["compensation_kind"] = data.get("compensation_kind") or ""
    result = register_complaint(IntakeInput(customer=customer, **data), actor=request.auth, idempotency_key=key)
    c = access_complaint(request.auth, result.complaint.number)
    return (201 if result.created else 200), serialize.detail(c, request.auth, result.suggestions)


@router.get("/complaints/{number}", response=ComplaintDetail)
def get_complaint(request, number: str):
    c = access_complaint(request.auth, number)
    return serialize.detail(c, request.auth)


@router.get("/complaints/{number}/timeline", response=list[EventOut])
def timeline(request, number: str):
    c = access_complaint(request.auth, number)
    return [serialize.event(e) for e in c.events.select_related("actor").order_by("at", "id")]


class ListFilters(Schema):
    status: str | None = None
    problem_type: str | None = None
    priority: str | None = None
    channel: str | None = None
    department: str | None = None
    owner: str | None = None
    customer: int | None = None
    customer_phone: str | None = None
    order_no: str | None = None
    is_repeat: bool | None = None
    received_from: AwareDatetime | None = None
    received_to: AwareDatetime | None = None
    registered_from: AwareDatetime | None = None
    registered_to: AwareDatetime | None = None
    q: str | None = None
    order: str = "-registered"
    cursor: str | None = None
    limit: int = 25


_ORDERS = {"-registered": ("-id",), "-received": ("-received_at", "-id"), "received": ("received_at", "id")}


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _decode(cursor: str) -> list:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise ValidationFailed.single("cursor", _("This value is not valid.")) from None


def apply_filters(qs, f: ListFilters):
    if f.status:
        qs = qs.filter(status__in=_csv(f.status))
    if f.problem_type:
        codes = _csv(f.problem_type)
        ids = list(ProblemType.objects.filter(Q(code__in=codes) | Q(parent__code__in=codes))
                   .values_list("id", flat=True))
        qs = qs.filter(problem_type_id__in=ids)
    if f.priority:
        qs = qs.filter(priority__in=_csv(f.priority))
    if f.channel:
        qs = qs.filter(channel__in=_csv(f.channel))
    if f.department:
        qs = qs.filter(department__code__in=_csv(f.department))
    if f.owner:
        owners = _csv(f.owner)
        ids = [int(o) for o in owners if o.isdigit()]
        qs = qs.filter(Q(owner__username__in=owners) | Q(owner_id__in=ids))
    if f.customer:
        qs = qs.filter(customer_id=f.customer)
    if f.customer_phone:
        qs = qs.filter(customer__phone=f.customer_phone)
    if f.order_no:
        qs = qs.filter(order_no=f.order_no)
    if f.is_repeat is not None:
        qs = qs.filter(is_repeat=f.is_repeat)
    for field, lookup, value in (("received_at", "gte", f.received_from), ("received_at", "lt", f.received_to),
                                 ("registered_at", "gte", f.registered_from),
                                 ("registered_at", "lt", f.registered_to)):
        if value:
            qs = qs.filter(**{f"{field}__{lookup}": value})
    if f.q:
        qs = search(qs, f.q[:200])
    return qs


@router.get("/complaints", response=Page)
def list_complaints(request, filters: Query[ListFilters]):
    """Newest first by default. Pass `next_cursor` back as `cursor` for the next page."""
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))
    if filters.order not in _ORDERS:
        raise ValidationFailed.single("order", _("Choose one of: %(choices)s.") % {"choices": ", ".join(_ORDERS)})
    qs = apply_filters(visible_complaints(request.auth), filters)
    ordering = _ORDERS[filters.order]
    if filters.cursor:
        values = _decode(filters.cursor)
        if len(values) != len(ordering):
            raise ValidationFailed.single("cursor", _("This value is not valid."))
        qs = qs.filter(_after(ordering, values))
    rows = list(qs.select_related("customer", "problem_type", "department", "owner")
                .order_by(*ordering)[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = _encode([_cursor_value(last, o) for o in ordering])
    return {"items": [serialize.summary(c) for c in rows], "next_cursor": next_cursor}


def _cursor_value(c, order: str):
    value = getattr(c, order.lstrip("-"))
    return value.isoformat() if isinstance(value, datetime) else value


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Keyset condition: rows strictly after the cursor in the given ordering."""
    if len(ordering) == 1:
        field = ordering[0].lstrip("-")
        return Q(**{f"{field}__{'lt' if ordering[0].startswith('-') else 'gt'}": values[0]})
    (first, second), (v1, v2) = ordering, values
    f1, f2 = first.lstrip("-"), second.lstrip("-")
    op = "lt" if first.startswith("-") else "gt"
    try:
        v1 = datetime.fromisoformat(v1)
    except (TypeError, ValueError):
        raise HttpError(422, "cursor") from None
    return Q(**{f"{f1}__{op}": v1}) | Q(**{f1: v1, f"{f2}__{op}": v2})
