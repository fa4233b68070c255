"""Writing timeline events. Events are only ever added, in the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from loopdesk.complaints.models import Complaint, Event
from loopdesk.core import bulk

# Every column but the id (core/bulk.py writes rows of values in this order).
EVENT_COLUMNS = tuple(f.name for f in Event._meta.concrete_fields if not f.primary_key)


def record(events: Iterable[Event]) -> None:
    """Add the events with one statement; each gets its id. (bulk_create cost more to build than to run.)"""
    events = list(events)
    pks = bulk.insert(Event, EVENT_COLUMNS, [bulk.values(e, EVENT_COLUMNS) for e in events], returning=True)
    for e, pk in zip(events, pks, strict=True):
        e.pk = pk
        e._state.adding = False


def event(complaint: Complaint, kind: str, *, actor, action: str = "", before: Any = None, after: Any = None,
          note: str = "", customer_visible: bool = False, at=None) -> Event:
    return Event.objects.create(
        complaint=complaint, kind=kind, actor=actor, action=action, before=before, after=after,
        note=note, customer_visible=customer_visible, at=at or timezone.now(),
    )
