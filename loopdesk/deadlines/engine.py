"""The clocks of one complaint (write side): armed, paused, resumed, completed, recomputed.

`on_complaint_change` is subscribed to loopdesk.complaints.hooks, so every change to a deadline
commits or rolls back with the action that caused it. The monitor sweep uses the same `Clocks`
to re-arm a target after an escalation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from loopdesk.complaints.models import Complaint, Event, EventKind, Status
from loopdesk.complaints.timeline import record
from loopdesk.core import bulk
from loopdesk.core.memo import memo
from loopdesk.deadlines import conf, sla
from loopdesk.deadlines.calendar import BusinessCalendar, DayEntry
from loopdesk.deadlines.clocks import remember_fresh
from loopdesk.deadlines.models import (
    SLA_KINDS,
    CalendarDay,
    Deadline,
    DeadlineKind,
    DeadlineState,
    SlaPolicy,
    Unit,
    WorkingPeriod,
)
from loopdesk.deadlines.models.deadline import Metric

K = DeadlineKind
RUNNING, PAUSED, DONE, STOPPED = DeadlineState.RUNNING, DeadlineState.PAUSED, DeadlineState.DONE, DeadlineState.STOPPED
LIVE = (RUNNING, PAUSED)
# Clocks that stop while the complaint waits on the customer.
PAUSABLE = (K.FIRST_RESPONSE, K.PROGRESS, K.RESOLUTION)
# Actions after which the clocks are worked out again from the (possibly new) policy.
RECOMPUTE = {"reclassify", "override_priority", "change_demand"}
REOPEN = {"reopen", "reopen_dissatisfied", "verify_failed"}
OWNER_CHANGE = {"assign", "handover", "route"}
SAVED_FIELDS = [
    "state", "policy", "amount", "unit", "metric", "budget_seconds", "consumed_seconds", "reminder_share",
    "run_started_at", "due_at", "remind_at", "reminded_at", "breached_at", "escalations", "done_at", "met",
    "paused_at", "paused_seconds", "pause_count", "next_check_at", "meta", "updated_at",
]


def calendar_around(*instants: datetime) -> BusinessCalendar:
    """A calendar with every year from the earliest instant to two months after the latest loaded.

    Its configuration is memoised like the other configuration tables: every registration needs
    it, and reading working hours and holidays each time would cost two queries per complaint.
    """
    days = [timezone.localtime(i).date() for i in instants]
    periods = memo("calendar_periods", lambda: list(WorkingPeriod.objects.values_list("weekday", "start", "end")))
    calendar = BusinessCalendar(periods, loader=_days)
    calendar.preload(min(days), max(days) + timedelta(days=62))
    return calendar


def _days(first_year: int, last_year: int) -> list[DayEntry]:
    def load() -> list[DayEntry]:
        rows = CalendarDay.objects.filter(date__range=(date(first_year, 1, 1), date(last_year, 12, 31)))
        return [DayEntry(*row) for row in rows.values_list("date", "kind", "name", "source")]

    return memo(f"calendar_days:{first_year}:{last_year}", load)


def needs_risk_watch(c: Complaint, solution_amount: Decimal | None = None) -> int:
    """The level a high-risk or large-amount complaint must reach at once (SPEC §6), or 0."""
    large = conf.large_compensation()
    amounts = [a for a in (c.compensation_amount, solution_amount) if a is not None]
    big = any(a >= large for a in amounts)
    high = c.risk == "high"
    if high and (big or c.severity == "urgent"):
        return 3
    return 2 if high or big else 0


class Clocks:
    """The deadline rows of one complaint, loaded with one query and saved with a few statements."""

    def __init__(self, complaint: Complaint, now: datetime | None = None, *, cal: BusinessCalendar | None = None,
                 rows: list[Deadline] | None = None) -> None:
        self.c = complaint
        self.now = now or timezone.now()
        self._cal = cal
        self._policy: SlaPolicy | None = None
        if rows is None:
            rows = list(Deadline.objects.filter(complaint_id=complaint.pk).order_by("kind", "cycle"))
        self.latest: dict[str, Deadline] = {}
        for row in sorted(rows, key=lambda r: (r.kind, r.cycle)):
            Deadline.complaint.field.set_cached_value(row, complaint)  # so write() can update it in memory
            self.latest[row.kind] = row
        self._new: list[Deadline] = []
        self._dirty: dict[int, Deadline] = {}
        self.events: list[Event] = []

    # --- lazily loaded context ---

    @property
    def cal(self) -> BusinessCalendar:
        if self._cal is None:
            self._cal = calendar_around(self.c.received_at, self.now)
        return self._cal

    @property
    def policy(self) -> SlaPolicy:
        if self._policy is None:
            self._policy = sla.policy_for(self.c)
        return self._policy

    def forget_policy(self) -> None:
        self._policy = None

    def _cal_for(self, unit: str) -> BusinessCalendar | None:
        # Clock-hour targets need no calendar, and building one costs two queries.
        return None if unit == Unit.CLOCK_HOURS else self.cal

    def _advance(self, metric: str, start: datetime, seconds: float) -> datetime:
        if metric == Metric.CLOCK:
            return start + timedelta(seconds=max(0, seconds))
        return sla.advance(self.cal, metric, start, seconds)

    def _elapsed(self, metric: str, a: datetime, b: datetime) -> int:
        if metric == Metric.CLOCK:
            return max(0, int((b - a).total_seconds()))
        return sla.elapsed(self.cal, metric, a, b)

    def _touch(self, row: Deadline) -> None:
        if row.pk is not None:
            self._dirty[row.pk] = row

    def live(self, kind: str) -> Deadline | None:
        row = self.latest.get(kind)
        return row if row is not None and row.state in LIVE else None

    # --- scheduling ---

    def schedule(self, row: Deadline) -> None:
        """Work out due, reminder and next check of a running row from its budget."""
        if row.state != RUNNING:
            row.next_check_at = None
        elif row.kind not in SLA_KINDS:
            row.next_check_at = row.due_at
        else:
            start = row.run_started_at
            row.due_at = self._advance(row.metric, start, row.budget_seconds - row.consumed_seconds)
            offset = row.reminder_share * row.budget_seconds - row.consumed_seconds
            row.remind_at = self._advance(row.metric, start, offset) if offset > 0 else start
            remind = row.reminded_at is None and row.remind_at < row.due_at
            row.next_check_at = row.remind_at if remind else row.due_at
        self._touch(row)

    def _new_cycle(self, kind: str, start: datetime) -> Deadline:
        previous = self.latest.get(kind)
        row = Deadline(complaint=self.c, kind=kind, cycle=previous.cycle + 1 if previous else 1, started_at=start)
        self._new.append(row)
        self.latest[kind] = row
        return row

    def arm(self, kind: str, start: datetime) -> Deadline | None:
        """Start an SLA target from `start`: a new cycle, or a restart of the live one."""
        target = self.policy.target(kind)
        if target is None:
            self.stop(kind)
            return None
        amount, unit = target
        metric, budget, _due = sla.plan(self._cal_for(unit), start, amount, unit)
        row = self.live(kind) or self._new_cycle(kind, start)
        row.started_at = start
        row.state, row.policy = RUNNING, self.policy if self.policy.pk else None
        row.amount, row.unit, row.metric, row.budget_seconds = amount, unit, metric, budget
        row.reminder_share = float(self.policy.reminder_share)
        row.consumed_seconds, row.run_started_at, row.reminded_at, row.paused_at = 0, start, None, None
        self.schedule(row)
        return row

    def watch(self, kind: str, due: datetime, **meta: Any) -> Deadline:
        """A one-off moment the monitor must look at (unassigned, high risk, repeat complaint)."""
        row = self.live(kind) or self._new_cycle(kind, self.now)
        row.state, row.due_at, row.meta = RUNNING, due, {**row.meta, **meta}
        self.schedule(row)
        return row

    def rearm(self, row: Deadline) -> None:
        """After a breach was handled: a fresh full target from now at the new level."""
        row.state, row.run_started_at, row.consumed_seconds, row.reminded_at = RUNNING, self.now, 0, None
        self.schedule(row)

    def pause(self, kind: str) -> None:
        row = self.live(kind)
        if row is None or row.state != RUNNING or row.kind not in SLA_KINDS:
            return
        row.consumed_seconds += self._elapsed(row.metric, row.run_started_at, self.now)
        row.state, row.run_started_at, row.paused_at = PAUSED, None, self.now
        row.pause_count += 1
        self.schedule(row)

    def resume(self, kind: str) -> None:
        row = self.live(kind)
        if row is None or row.state != PAUSED:
            return
        row.paused_seconds += max(0, int((self.now - row.paused_at).total_seconds()))
        row.state, row.run_started_at, row.paused_at = RUNNING, self.now, None
        self.schedule(row)

    def complete(self, kind: str, at: datetime | None = None) -> None:
        row = self.live(kind)
        if row is None:
            return
        at = at or self.now
        if row.state == PAUSED:
            row.paused_seconds += max(0, int((at - row.paused_at).total_seconds()))
            on_time = row.consumed_seconds <= row.budget_seconds
        else:
            on_time = row.due_at is None or at <= row.due_at
        row.state, row.done_at, row.paused_at = DONE, at, None
        row.met = row.breached_at is None and on_time if row.kind in SLA_KINDS else None
        self.schedule(row)

    def stop(self, kind: str) -> None:
        row = self.live(kind)
        if row is None:
            return
        if row.state == PAUSED:
            row.paused_seconds += max(0, int((self.now - row.paused_at).total_seconds()))
        row.state, row.paused_at = STOPPED, None
        self.schedule(row)

    def restart_progress(self, at: datetime) -> None:
        row = self.live(K.PROGRESS)
        if row is None or (row.run_started_at and row.run_started_at >= at):
            return
        row.consumed_seconds, row.reminded_at = 0, None
        if row.state == RUNNING:
            row.run_started_at = at
        self.schedule(row)

    def recompute(self) -> dict[str, tuple]:
        """Apply the current policy to every live SLA clock, keeping the share of each target used."""
        self.forget_policy()
        changes: dict[str, tuple] = {}
        for kind in SLA_KINDS:
            row = self.live(kind)
            if row is None:
                continue
            target = self.policy.target(kind)
            if target is None:
                self.stop(kind)
                changes[kind] = (row.due_at, None)
                continue
            amount, unit = target
            if (amount, unit) == (row.amount, row.unit):
                continue
            metric, budget, _due = sla.plan(self._cal_for(unit), row.started_at, amount, unit)
            before = row.due_at
            used = row.consumed_seconds + (self._elapsed(row.metric, row.run_started_at, self.now)
                                           if row.state == RUNNING else 0)
            if metric != row.metric:
                # Clock and working time cannot be compared; keep the share of the target already used.
                used = int(used / row.budget_seconds * budget) if row.budget_seconds else 0
                row.consumed_seconds = used
                if row.state == RUNNING:
                    row.run_started_at = self.now
            row.amount, row.unit, row.metric, row.budget_seconds = amount, unit, metric, budget
            row.policy = self.policy if self.policy.pk else None
            row.reminder_share = float(self.policy.reminder_share)
            if row.reminded_at and row.state == RUNNING and used < row.reminder_share * budget:
                row.reminded_at = None  # a longer target earns a fresh reminder
            self.schedule(row)
            changes[kind] = (before, row.due_at)
        return changes

    # --- persistence ---

    def event(self, action: str, *, after: dict, before: dict | None = None, note: str = "", actor=None) -> None:
        self.events.append(Event(complaint=self.c, kind=EventKind.DEADLINE, action=action, actor=actor, at=self.now,
                                 before=before, after=after, note=note))

    def take(self) -> tuple[list[Deadline], list[Deadline], list[Event]]:
        """Hand over what is unsaved (new rows, changed rows, events), for one write of many complaints."""
        new, dirty, events = self._new, [r for r in self._dirty.values() if r.pk is not None], self.events
        self._new, self._dirty, self.events = [], {}, []
        return new, dirty, events

    def save(self) -> None:
        write(*self.take())

    def save_events(self) -> None:
        write([], [], self.events)
        self.events = []

    def due_map(self, kinds=SLA_KINDS) -> dict[str, str | None]:
        out = {}
        for kind in kinds:
            row = self.live(kind)
            if row is not None:
                out[kind] = row.due_at.isoformat() if row.state == RUNNING and row.due_at else None
        return out


def write(new: list[Deadline], dirty: list[Deadline], events: list[Event]) -> None:
    """Save deadline rows and timeline events of any number of complaints with at most three statements."""
    _record_outcomes([*new, *dirty])  # first, while the rows still tell what was loaded
    if new:
        bulk.insert_new(new)
        for row in new:  # as from_db would record
            row._loaded = {f.attname: getattr(row, f.attname) for f in Deadline._meta.concrete_fields}
    if dirty:
        _update(dirty)
    if events:
        record(events)


def _update(rows: list[Deadline]) -> None:
    """Write the changed columns of each row: one statement per shape of change, for all its rows
    at once (loopdesk/core/bulk.py). bulk_update's CASE expressions cost more to build in Python
    than the database spends on the rows."""
    fields = {name: Deadline._meta.get_field(name) for name in SAVED_FIELDS if name != "updated_at"}
    now = timezone.now()
    shapes: dict[tuple[str, ...], list[list]] = defaultdict(list)
    for row in rows:
        loaded = getattr(row, "_loaded", {})
        changed = tuple(n for n, f in fields.items()
                        if f.attname not in loaded or loaded[f.attname] != getattr(row, f.attname))
        if not changed:
            continue
        row.updated_at = now
        shapes[changed].append([row.pk, *(getattr(row, fields[n].attname) for n in changed), now])
        row._loaded = {**loaded, **{fields[n].attname: getattr(row, fields[n].attname) for n in changed}}
    for changed, values in shapes.items():
        bulk.update(Deadline, [*changed, "updated_at"], values)


# --- the report's columns on the complaint ----------------------------------------------------

# Clocks whose first cycle (the first promise made to the customer) the reports count, and the
# complaint column that keeps how it ended, so a report reads one table (reports/figures.py).
FIRST_CYCLE_COLUMNS = {K.FIRST_RESPONSE: "first_response_met", K.RESOLUTION: "resolution_met"}


def outcome(met: bool | None, breached_at: datetime | None) -> bool | None:
    """How a cycle ended: met; missed (finished late, or breached before finishing); None while undecided."""
    if met is not None:
        return met
    return False if breached_at is not None else None


def _record_outcomes(rows: list[Deadline]) -> None:
    """Copy onto their complaints the first-cycle outcomes these rows decide (completion or breach).

    Rows are compared with what was loaded, so an unchanged outcome costs nothing; the rest is one
    UPDATE per column and value for any number of complaints (a sweep batch), on rows the caller
    already holds locked.
    """
    decided: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for row in rows:
        column = FIRST_CYCLE_COLUMNS.get(row.kind)
        if column is None or row.cycle != 1:
            continue
        value = outcome(row.met, row.breached_at)
        loaded = getattr(row, "_loaded", None)
        if value is None or (loaded is not None and outcome(loaded.get("met"), loaded.get("breached_at")) == value):
            continue
        decided[(column, value)].append(row.complaint_id)
        if Deadline.complaint.is_cached(row):
            setattr(row.complaint, column, value)
    for (column, value), ids in decided.items():
        Complaint.objects.filter(pk__in=ids).exclude(**{column: value}).update(**{column: value})


# --- the subscriber --------------------------------------------------------------------------


def on_complaint_change(complaint: Complaint, action: str, actor: Any, **details: Any) -> None:
    """React to a domain action inside its transaction (registered in DeadlinesConfig.ready)."""
    if action == "escalate":
        return  # the escalation service re-arms its own clocks
    # A complaint being registered has no deadline rows yet: skip reading them.
    clocks = Clocks(complaint, rows=[] if action == "register" else None)
    handler = _HANDLERS.get(action)
    if handler is not None:
        handler(clocks, actor, details)
    elif action in RECOMPUTE:
        _recompute(clocks, actor, action)
    elif action in REOPEN:
        _reopen(clocks, actor, action)
    elif action in OWNER_CHANGE:
        _owner_changed(clocks)
    _reviewed(clocks, actor)
    if complaint.last_progress_at:
        clocks.restart_progress(complaint.last_progress_at)
    if complaint.first_response_at:
        clocks.complete(K.FIRST_RESPONSE, complaint.first_response_at)
    clocks.save()
    if action == "register":
        remember_fresh(complaint, clocks.latest.values())


# Who counts as having reviewed an escalation at each level: anything they do on the complaint.
_REVIEWERS = {1: {"supervisor", "manager", "admin"}, 2: {"manager", "admin"}, 3: {"manager", "admin"}}


def _reviewed(clocks: Clocks, actor) -> None:
    row = clocks.live(K.REVIEW)
    if row is None or actor is None:
        return
    level = int(row.meta.get("level", 1))
    if actor.username == row.meta.get("person") or getattr(actor, "role", "") in _REVIEWERS.get(level, set()):
        clocks.complete(K.REVIEW)


def _register(clocks: Clocks, actor, details) -> None:
    c = clocks.c
    clocks.arm(K.FIRST_RESPONSE, c.received_at)
    clocks.arm(K.RESOLUTION, c.received_at)
    if c.owner_id:
        row = clocks.arm(K.ACCEPTANCE, c.registered_at)
        if row is not None:
            row.meta = {"owner": c.owner_id}
    else:
        clocks.watch(K.ASSIGNMENT, c.registered_at + timedelta(minutes=conf.unassigned_alert_minutes()))
    _risk(clocks)
    if c.is_repeat:
        clocks.watch(K.REPEAT, clocks.now, reason="repeat")
    clocks.event("deadlines_set", after={**clocks.due_map(), "policy": clocks.policy.name})


def _risk(clocks: Clocks, solution_amount=None) -> None:
    level = needs_risk_watch(clocks.c, solution_amount)
    if level == 0:
        return
    previous = clocks.latest.get(K.RISK)
    if previous is not None and previous.meta.get("level", 0) >= level:
        return
    clocks.watch(K.RISK, clocks.now, level=level, high_risk=clocks.c.risk == "high")


def _owner_changed(clocks: Clocks) -> None:
    c = clocks.c
    if c.owner_id:
        clocks.complete(K.ASSIGNMENT)
        if c.status in (Status.NEW, Status.REOPENED):
            row = clocks.live(K.ACCEPTANCE)
            # A new assignee gets the full acceptance time.
            if row is None or row.meta.get("owner") != c.owner_id:
                armed = clocks.arm(K.ACCEPTANCE, clocks.now)
                if armed is not None:
                    armed.meta = {**armed.meta, "owner": c.owner_id}
    elif c.status == Status.NEW and clocks.live(K.ASSIGNMENT) is None:
        clocks.watch(K.ASSIGNMENT, clocks.now + timedelta(minutes=conf.unassigned_alert_minutes()))


def _accept(clocks: Clocks, actor, details) -> None:
    clocks.complete(K.ACCEPTANCE, clocks.c.accepted_at)
    clocks.complete(K.ASSIGNMENT)
    if clocks.live(K.PROGRESS) is None:
        clocks.arm(K.PROGRESS, clocks.c.accepted_at or clocks.now)


def _start(clocks: Clocks, actor, details) -> None:
    if clocks.live(K.PROGRESS) is None:
        clocks.arm(K.PROGRESS, clocks.now)


def _wait(clocks: Clocks, actor, details) -> None:
    remaining = {}
    for kind in PAUSABLE:
        clocks.pause(kind)
        row = clocks.live(kind)
        if row is not None and row.state == PAUSED:
            remaining[kind] = row.budget_seconds - row.consumed_seconds
    if remaining:
        clocks.event("deadlines_paused", after={"remaining_seconds": remaining}, actor=actor)


def _resume(clocks: Clocks, actor, details) -> None:
    for kind in PAUSABLE:
        clocks.resume(kind)
    clocks.event("deadlines_resumed", after=clocks.due_map(PAUSABLE), actor=actor)


def _resolve(clocks: Clocks, actor, details) -> None:
    at = clocks.c.resolved_at or clocks.now
    clocks.complete(K.RESOLUTION, at)
    clocks.complete(K.FIRST_RESPONSE, at)  # a resolution answers the customer too
    for kind in (K.PROGRESS, K.ACCEPTANCE, K.ASSIGNMENT):
        clocks.stop(kind)
    clocks.arm(K.CALLBACK, at)


def _callback_done(clocks: Clocks, actor, details) -> None:
    clocks.complete(K.CALLBACK)


def _propose(clocks: Clocks, actor, details) -> None:
    latest = clocks.c.solutions.order_by("-id").values_list("compensation_amount", flat=True).first()
    _risk(clocks, latest)


def _verify(clocks: Clocks, actor, details) -> None:
    clocks.complete(K.CALLBACK)
    _stop_all(clocks, actor, details)


def _stop_all(clocks: Clocks, actor, details) -> None:
    for kind in list(clocks.latest):
        clocks.stop(kind)


def _recompute(clocks: Clocks, actor, action: str) -> None:
    before = clocks.due_map()
    if action == "change_demand" and clocks.live(K.RESOLUTION) is not None:
        # The customer agreed to a new demand: new work, so the resolution clock starts again.
        clocks.arm(K.RESOLUTION, clocks.now)
    changes = clocks.recompute()
    _risk(clocks)
    after = clocks.due_map()
    if changes or before != after:
        clocks.event("deadlines_recomputed", before=before, after={**after, "policy": clocks.policy.name}, actor=actor)


def _reopen(clocks: Clocks, actor, action: str) -> None:
    c = clocks.c
    clocks.complete(K.CALLBACK)  # the callback happened: that is how we know the customer is unhappy
    clocks.stop(K.PROGRESS)
    clocks.arm(K.RESOLUTION, clocks.now)
    if c.owner_id:
        row = clocks.arm(K.ACCEPTANCE, clocks.now)
        if row is not None:
            row.meta = {**row.meta, "owner": c.owner_id}
    if action == "reopen_dissatisfied":
        clocks.watch(K.REPEAT, clocks.now, reason="dissatisfied")
    clocks.event("deadlines_set", after=clocks.due_map(), actor=actor, note=action)


_HANDLERS = {
    "register": _register,
    "accept": _accept,
    "start": _start,
    "wait_customer": _wait,
    "resume": _resume,
    "resolve": _resolve,
    "record_satisfaction": _callback_done,
    "propose_solution": _propose,
    "verify": _verify,
    "cancel": _stop_all,
    "archive": _stop_all,
}
