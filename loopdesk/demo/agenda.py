"""What happens on the desk around the complaints, played in time order on the demo clock.

The complaints are written one after another, each to its end, so anything done later to a
complaint (grouping it into a problem, using an article on it, correcting its data) must come after
the last event its own timeline already has. `last_events` reads those times once; every step is
then scheduled at or after them and the agenda plays the steps in time order, so each complaint's
timeline still only moves forward.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db.models import Max

from loopdesk.accounts.models import User
from loopdesk.complaints.models import Event
from loopdesk.demo.clock import DemoClock

Step = Callable[[], object]


class Agenda:
    def __init__(self, *, clock: DemoClock, now: datetime, users: dict[str, User], rng: random.Random) -> None:
        self.clock = clock
        self.now = now
        self.users = users
        self.rng = rng
        self._steps: list[tuple[datetime, int, Step]] = []
        self._last: dict[int, datetime] = {}

    def user(self, username: str) -> User:
        return self.users[username]

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def latest(self) -> datetime:
        """The latest moment a step may take place: a little before the demo's now."""
        return self.now - timedelta(minutes=1)

    def read_last_events(self, complaint_ids: Iterable[int]) -> None:
        wanted = [pk for pk in set(complaint_ids) if pk not in self._last]
        for start in range(0, len(wanted), 500):
            rows = (Event.objects.filter(complaint_id__in=wanted[start:start + 500]).values("complaint_id")
                    .annotate(last=Max("at")).values_list("complaint_id", "last"))
            self._last.update(rows)

    def last_event(self, complaint_id: int) -> datetime | None:
        if complaint_id not in self._last:
            self.read_last_events([complaint_id])
        return self._last.get(complaint_id)

    def after_timeline(self, complaint_id: int, earliest: datetime, *, minutes: tuple[float, float]) -> datetime | None:
        """A moment after both `earliest` and the complaint's last event, a few minutes on; None if
        that would be later than the demo's now."""
        last = self.last_event(complaint_id)
        start = earliest if last is None else max(earliest, last)
        at = start + timedelta(minutes=self.rng.uniform(*minutes))
        latest = self.latest()
        if at > latest:
            at = latest if start <= latest else None
        return at

    def at(self, when: datetime, step: Step) -> None:
        self._steps.append((min(when, self.now), len(self._steps), step))

    def play(self) -> None:
        steps, self._steps = sorted(self._steps, key=lambda s: (s[0], s[1])), []
        for when, _seq, step in steps:
            self.clock.set(when)
            step()
