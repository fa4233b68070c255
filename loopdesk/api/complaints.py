"""Complaints: create (idempotent), retrieve, list with filters, search and cursor pagination."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import AwareDatetime

from loopdesk.api import serialize
from loopdesk.api.schemas import ComplaintDetail, ComplaintIn, EventOut, Page
from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.complaints.filters import apply_filters
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.core.errors import ValidationFailed
from loopdesk.deadlines import clocks

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
    deadline: str | None = None  # overdue | due_soon
    order: str = "-registered"
    cursor: str | None = None
    limit: int = 25


# Overdue: a running SLA target past its due time; due soon: past its reminder share, not yet due.
_DEADLINE_FILTERS = {"overdue": clocks.overdue, "due_soon": clocks.due_soon}
_ORDERS = {"-registered": ("-id",), "-received": ("-received_at", "-id"), "received": ("received_at", "id")}


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _decode(cursor: str, ordering: tuple[str, ...]) -> list:
    """The cursor's values, typed for the ordering; anything else is a field error, never a 500."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(ordering):
            raise ValueError(cursor)
        typed = []
        for field, value in zip(ordering, values, strict=True):
            if field.lstrip("-") == "id":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(value)
                typed.append(value)
            else:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError(value)
                typed.append(moment)
        return typed
    except (ValueError, TypeError):
        raise ValidationFailed.single("cursor", _("This value is not valid.")) from None


@router.get("/complaints", response=Page)
def list_complaints(request, filters: Query[ListFilters]):
    """Newest first by default. Pass `next_cursor` back as `cursor` for the next page."""
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))
    if filters.order not in _ORDERS:
        raise ValidationFailed.single("order", _("Choose one of: %(choices)s.") % {"choices": ", ".join(_ORDERS)})
    qs = apply_filters(visible_complaints(request.auth), filters)
    if filters.deadline:
        if filters.deadline not in _DEADLINE_FILTERS:
            raise ValidationFailed.single("deadline", _("Choose one of: %(choices)s.")
                                          % {"choices": ", ".join(_DEADLINE_FILTERS)})
        qs = _DEADLINE_FILTERS[filters.deadline](qs)
    ordering = _ORDERS[filters.order]
    if filters.cursor:
        qs = qs.filter(_after(ordering, _decode(filters.cursor, ordering)))
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
    return Q(**{f"{f1}__{op}": v1}) | Q(**{f1: v1, f"{f2}__{op}": v2})
