"""Complaints: create (idempotent), retrieve, list with filters, search and cursor pagination."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import AwareDatetime

from loopdesk.api import render, serialize
from loopdesk.api.schemas import ComplaintDetail, ComplaintIn, EventOut, Page
from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.complaints.filters import apply_filters
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.core import textsearch
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
    data = payload.model_dump()
    customer = CustomerInput(**{k: (v.value if hasattr(v, "value") else v) for k, v in data.pop("customer").items()})
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    data["compensation_kind"] = data.get("compensation_kind") or ""
    result = register_complaint(IntakeInput(customer=customer, **data), actor=request.auth, idempotency_key=key)
    if result.created:
        # Answer from the objects intake already holds (the registrar always sees what they registered)
        # instead of reading the complaint, its co-handlers, relations and repeat back: 4–5 queries fewer.
        # Written without ninja's validation pass (render.answer; tests/api/test_fast_paths.py).
        return render.answer(serialize.detail(_as_read(result.complaint), request.auth, result.suggestions,
                                              new=True), status=201)
    c = access_complaint(request.auth, result.complaint.number)
    return 200, serialize.detail(c, request.auth, result.suggestions)


def _as_read(c: Complaint) -> Complaint:
    """The saved complaint with its values as the database returns them: times in UTC, amounts in cents."""
    for name in ("received_at", "registered_at", "expected_resolution_at"):
        value = getattr(c, name)
        if value is not None:
            setattr(c, name, value.astimezone(UTC))
    if c.compensation_amount is not None:
        places = Complaint._meta.get_field("compensation_amount").decimal_places
        c.compensation_amount = Decimal(c.compensation_amount).quantize(Decimal(1).scaleb(-places))
    return c


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
    if filters.deadline and filters.deadline not in _DEADLINE_FILTERS:
        raise ValidationFailed.single("deadline", _("Choose one of: %(choices)s.")
                                      % {"choices": ", ".join(_DEADLINE_FILTERS)})
    ordering = _ORDERS[filters.order]
    after = _after(ordering, _decode(filters.cursor, ordering)) if filters.cursor else None

    def fetch(search_through_index: bool | None = None) -> list[dict]:
        qs = apply_filters(visible_complaints(request.auth), filters, search_through_index=search_through_index)
        if filters.deadline:
            qs = _DEADLINE_FILTERS[filters.deadline](qs)
        if after is not None:
            qs = qs.filter(after)
        return serialize.summary_rows(qs.order_by(*ordering)[: filters.limit + 1], searching=bool(filters.q))

    rows = textsearch.within_budget(filters.q, fetch)
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = _encode([_cursor_value(last, o) for o in ordering])
    return render.answer({"items": serialize.summaries(rows), "next_cursor": next_cursor})


def _cursor_value(row: dict, order: str):
    value = row[order.lstrip("-")]
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
