"""Complaint list queries: the filters shared by the REST API, the staff list and the Excel export.

`apply_filters` reads attributes by name, so the API's schema and the web's dataclass both fit;
a caller that lacks a filter simply never sets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.core.textsearch import search

MAX_QUERY_LENGTH = 200


@dataclass
class ComplaintFilters:
    status: str | None = None  # comma-separated values, like the other multi-value filters
    problem_type: str | None = None  # codes; a root type includes its sub-types
    priority: str | None = None
    risk: str | None = None
    channel: str | None = None
    department: str | None = None  # department codes
    owner: str | None = None  # usernames or ids
    customer: int | None = None
    customer_phone: str | None = None
    order_no: str | None = None
    is_repeat: bool | None = None
    unassigned: bool | None = None
    escalated: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None  # exclusive
    registered_from: datetime | None = None
    registered_to: datetime | None = None  # exclusive
    q: str | None = None


def csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def apply_filters(qs: QuerySet, f: object, *, search_through_index: bool | None = None) -> QuerySet:
    """`search_through_index`: see `textsearch.search(use_index=…)`; None lets it decide."""

    def get(name: str):
        return getattr(f, name, None)

    if get("status"):
        qs = qs.filter(status__in=csv(get("status")))
    if get("problem_type"):
        codes = set(csv(get("problem_type")))
        # The taxonomy memoised per process (as intake reads it), not a query per list page.
        ids = [p.pk for p in problem_types_by_code().values()
               if p.code in codes or (p.parent_id and p.parent.code in codes)]
        qs = qs.filter(problem_type_id__in=ids)
    if get("priority"):
        qs = qs.filter(priority__in=csv(get("priority")))
    if get("risk"):
        qs = qs.filter(risk__in=csv(get("risk")))
    if get("channel"):
        qs = qs.filter(channel__in=csv(get("channel")))
    if get("department"):
        qs = qs.filter(department__code__in=csv(get("department")))
    if get("owner"):
        owners = csv(get("owner"))
        ids = [int(o) for o in owners if o.isdigit()]
        qs = qs.filter(Q(owner__username__in=owners) | Q(owner_id__in=ids))
    if get("customer"):
        qs = qs.filter(customer_id=get("customer"))
    if get("customer_phone"):
        qs = qs.filter(customer__phone=get("customer_phone"))
    if get("order_no"):
        qs = qs.filter(order_no=get("order_no"))
    if get("is_repeat") is not None:
        qs = qs.filter(is_repeat=get("is_repeat"))
    if get("unassigned") is not None:
        qs = qs.filter(owner__isnull=get("unassigned"))
    if get("escalated") is not None:
        qs = qs.filter(escalation_level__gt=0) if get("escalated") else qs.filter(escalation_level=0)
    for field, lookup, name in (("received_at", "gte", "received_from"), ("received_at", "lt", "received_to"),
                                ("registered_at", "gte", "registered_from"),
                                ("registered_at", "lt", "registered_to")):
        if get(name):
            qs = qs.filter(**{f"{field}__{lookup}": get(name)})
    if get("q"):
        # search_vector: the stored to_tsvector of search_text (PostgreSQL, migration 0004).
        qs = search(qs, get("q")[:MAX_QUERY_LENGTH], use_index=search_through_index, vector="search_vector")
    return qs
