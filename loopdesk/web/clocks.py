"""What the staff pages show about deadlines and notifications: a thin view over
loopdesk.deadlines.clocks (SLA clocks, overdue / due-soon filters) and loopdesk.notifications.inbox.

Pages render clocks through web/_clock.html and web/_deadlines.html only, so this is the one seam
between those apps and the templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from loopdesk.complaints.models import Complaint
from loopdesk.deadlines import clocks as sla
from loopdesk.notifications import inbox

# A running clock with less than this left is shown as due soon.
DUE_SOON = timedelta(hours=2)


@dataclass
class Clock:
    label: Any
    due_at: datetime | None
    state: str  # met · missed · paused · overdue · due_soon · running
    remaining: timedelta | None  # time left (negative: overdue by); paused: what is left of the target
    paused_seconds: int = 0

    @property
    def delta(self) -> timedelta | None:
        return self.remaining


def _clock(v: sla.ClockView) -> Clock:
    remaining = timedelta(seconds=v.remaining_seconds) if v.remaining_seconds is not None else None
    if v.state == "done":
        state = "met" if v.met else "missed"
    elif v.paused:
        state = "paused"
    elif remaining is not None and remaining < timedelta(0):
        state = "overdue"
    elif remaining is not None and remaining <= DUE_SOON:
        state = "due_soon"
    else:
        state = "running"
    return Clock(v.label, v.due_at, state, remaining, v.paused_seconds)


def clocks_for(complaints: Iterable[Complaint]) -> dict[int, list[Clock]]:
    """{complaint_id: [Clock, …]} for many complaints in one query."""
    return {pk: [_clock(v) for v in views] for pk, views in sla.clocks_for(list(complaints)).items()}


def next_clock(clocks: list[Clock]) -> Clock | None:
    """The clock that matters in a list row: an overdue one first, else the one due soonest."""
    running = [c for c in clocks if c.state in ("overdue", "due_soon", "running") and c.due_at is not None]
    if running:
        return min(running, key=lambda c: c.due_at)
    paused = [c for c in clocks if c.state == "paused"]
    return paused[0] if paused else None


def overdue(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return sla.overdue(qs, timezone.now())


def due_soon(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return sla.due_soon(qs, timezone.now())


def unread_count(user) -> int | None:
    return inbox.unread_count(user)
