"""Writing timeline events. Events are only ever added, in the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from loopdesk.complaints.models import Complaint, Event
from loopdesk.core import bulk


def record(events: Iterable[Event]) -> None:
    """Add the events with one statement; each gets its id. (bulk_create cost more to build than to run.)"""
    bulk.insert_new(list(events))


def event(complaint: Complaint, kind: str, *, actor, action: str = "", before: Any = None, after: Any = None,
          note: str = "", customer_visible: bool = False, at=None) -> Event:
    return Event.objects.create(
        complaint=complaint, kind=kind, actor=actor, action=action, before=before, after=after,
        note=note, customer_visible=customer_visible, at=at or timezone.now(),
    )
