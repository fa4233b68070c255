"""Reading deadlines (the write side is loopdesk.deadlines.engine): what a complaint shows —
time left or overdue by, met or missed per target — and the overdue / due-soon filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from loopdesk.deadlines.models import SLA_KINDS, Deadline, DeadlineKind, DeadlineState

SHOWN = (DeadlineState.RUNNING, DeadlineState.PAUSED, DeadlineState.DONE)


@dataclass
class ClockView:
    """One SLA target of a complaint as people see it (the latest cycle of each target)."""

    target: str
    label: str
    state: str  # running · paused · done
    due_at: datetime | None  # for a target done late or escalated: the first due time it missed
    met_at: datetime | None
    met: bool | None
    paused: bool
    remaining_seconds: int | None  # time left (negative: overdue by); paused: what is left of the target
    breached_at: datetime | None
    escalations: int
    paused_seconds: int
    pause_count: int
    started_at: datetime
    cycle: int
    amount: str | None
    unit: str

    @property
    def overdue(self) -> bool:
        """Past its due time, or missed once and still not done (escalated with a new deadline)."""
        if self.state != DeadlineState.RUNNING:
            return False
        return self.breached_at is not None or (self.remaining_seconds is not None and self.remaining_seconds < 0)


_VIEW_FIELDS = [f.name for f in fields(ClockView)]


def view(row: Deadline, now: datetime | None = None) -> ClockView:
    now = now or timezone.now()
    remaining: int | None = None
    paused_total = row.paused_seconds
    if row.state == DeadlineState.RUNNING and row.due_at:
        remaining = int((row.due_at - now).total_seconds())
    elif row.state == DeadlineState.PAUSED:
        remaining = row.budget_seconds - row.consumed_seconds
        paused_total += int((now - row.paused_at).total_seconds()) if row.paused_at else 0
    shown_due = row.breached_at if row.state == DeadlineState.DONE and row.breached_at else row.due_at
    return ClockView(
        target=row.kind, label=str(DeadlineKind(row.kind).label), state=row.state, due_at=shown_due,
        met_at=row.done_at, met=row.met, paused=row.state == DeadlineState.PAUSED, remaining_seconds=remaining,
        breached_at=row.breached_at, escalations=row.escalations, paused_seconds=paused_total,
        pause_count=row.pause_count, started_at=row.started_at, cycle=row.cycle,
        amount=str(row.amount) if row.amount is not None else None, unit=row.unit,
    )


def _latest(rows: Iterable[Deadline]) -> list[Deadline]:
    latest: dict[tuple[int, str], Deadline] = {}
    for row in rows:
        key = (row.complaint_id, row.kind)
        if key not in latest or latest[key].cycle < row.cycle:
            latest[key] = row
    order = {k: i for i, k in enumerate(SLA_KINDS)}
    return sorted((r for r in latest.values() if r.state in SHOWN),
                  key=lambda r: (r.complaint_id, order[r.kind]))


def clocks_for(complaints: Iterable) -> dict[int, list[ClockView]]:
    """The SLA clocks of many complaints with one query: {complaint_id: [ClockView, …]}."""
    ids = [c.pk for c in complaints]
    out: dict[int, list[ClockView]] = {pk: [] for pk in ids}
    if not ids:
        return out
    now = timezone.now()
    rows = Deadline.objects.filter(complaint_id__in=ids, kind__in=SLA_KINDS)
    for row in _latest(rows):
        out[row.complaint_id].append(view(row, now))
    return out


def _running() -> QuerySet[Deadline]:
    return Deadline.objects.filter(state=DeadlineState.RUNNING, kind__in=SLA_KINDS)


def overdue(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    """Complaints with a running target past its due time, or missed and escalated but still not done."""
    now = now or timezone.now()
    return qs.filter(pk__in=_running().filter(Q(due_at__lte=now) | Q(breached_at__isnull=False))
                     .values("complaint_id"))


def due_soon(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    """Complaints with a running target past its reminder share (default 80 %) and not overdue."""
    now = now or timezone.now()
    return qs.filter(pk__in=_running().filter(remind_at__lte=now, due_at__gt=now, breached_at__isnull=True)
                     .values("complaint_id"))


def due_within(qs: QuerySet, now: datetime | None = None, delta: timedelta = timedelta(hours=4)) -> QuerySet:
    """Complaints with a running target due in the next `delta` (and not yet overdue)."""
    now = now or timezone.now()
    return qs.filter(pk__in=_running().filter(due_at__gt=now, due_at__lte=now + delta).values("complaint_id"))


# The deadline engine leaves the rows it has just written for a complaint being registered on the
# complaint object, so the rest of that request (notifications, the API's answer) need not read back
# what it has only just written. Only registration does this: nothing else can have changed them.
FRESH_ROWS = "_fresh_deadline_rows"


_TIMES = [f.attname for f in Deadline._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]


def remember_fresh(complaint, rows: Iterable[Deadline]) -> None:
    rows = list(rows)
    for row in rows:  # in UTC, as the database would return them (the same instants)
        for name in _TIMES:
            value = getattr(row, name)
            if value is not None and value.tzinfo is not None:
                setattr(row, name, value.astimezone(UTC))
    setattr(complaint, FRESH_ROWS, rows)


def _fresh(complaint) -> list[Deadline] | None:
    return getattr(complaint, FRESH_ROWS, None)


def running(complaint, kind: str) -> Deadline | None:
    """The complaint's running clock of this kind (its latest cycle), if any."""
    fresh = _fresh(complaint)
    if fresh is None:
        return complaint.deadlines.filter(kind=kind, state=DeadlineState.RUNNING).order_by("-cycle").first()
    rows = [r for r in fresh if r.kind == kind and r.state == DeadlineState.RUNNING]
    return max(rows, key=lambda r: r.cycle) if rows else None


def deadline_dicts(complaint) -> list[dict]:
    """The complaint's SLA clocks as plain dicts (API detail and …/deadlines)."""
    fresh = _fresh(complaint)
    if fresh is None:
        views = clocks_for([complaint])[complaint.pk]
    else:
        now = timezone.now()
        views = [view(r, now) for r in _latest(r for r in fresh if r.kind in SLA_KINDS)]
    # A shallow copy: every field is a plain value, and asdict's deep copy cost more than the rest.
    return [{**{f: getattr(v, f) for f in _VIEW_FIELDS}, "overdue": v.overdue} for v in views]
