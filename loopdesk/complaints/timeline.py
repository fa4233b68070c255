"""Writing timeline events. Events are only ever added, in the transaction of the change."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from loopdesk.complaints.models import Complaint, Event
from loopdesk.core import bulk

_batch = threading.local()


def record(events: Iterable[Event]) -> None:
    """Add the events with one statement; each gets its id. (bulk_create cost more to build than to run.)
    Inside `batched()`, they are added when the block ends, with the block's other events."""
    events = list(events)
    pending = getattr(_batch, "events", None)
    if pending is not None:
        pending.extend(events)
    elif events:
        bulk.insert_new(events)


@contextmanager
def batched() -> Iterator[None]:
    """Collect what `record()` is given inside the block and add it all with one statement when the
    block ends without an error (inside the caller's transaction). Events have no id until then.
    Intake uses it so that registration and the clocks it starts write the timeline once."""
    if getattr(_batch, "events", None) is not None:  # nested: the outermost block writes
        yield
        return
    _batch.events = []
    try:
        yield
        events = _batch.events
    finally:
        _batch.events = None
    if events:
        bulk.insert_new(events)


def event(complaint: Complaint, kind: str, *, actor, action: str = "", before: Any = None, after: Any = None,
          note: str = "", customer_visible: bool = False, at=None) -> Event:
    return Event.objects.create(
        complaint=complaint, kind=kind, actor=actor, action=action, before=before, after=after,
        note=note, customer_visible=customer_visible, at=at or timezone.now(),
    )
