"""The monitor sweep (SPEC §6): act on every deadline whose reminder or due time has come.

Cost follows due rows: the only scan is the partial index on Deadline.next_check_at. Safe to run
in any number of processes at once: each batch locks the complaints it handles with
SKIP LOCKED (complaint first, then its deadlines: the order every action uses), re-reads the
deadline rows under that lock, and moves their next_check_at on before committing.

Running it again at the same moment changes nothing: everything it handled is no longer due.
A batch is written with a few statements; if anything in it raises, the batch is rolled back and
redone one complaint at a time, so only the bad complaint is pushed back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.complaints.models import OPEN_STATUSES, Complaint, Status
from loopdesk.deadlines.calendar import BusinessCalendar
from loopdesk.deadlines.engine import Clocks, calendar_around, write
from loopdesk.deadlines.models import SLA_KINDS, Deadline, DeadlineKind, DeadlineState
from loopdesk.escalation import conf
from loopdesk.escalation.models import Trigger
from loopdesk.escalation.service import TOP, Writes, escalate
from loopdesk.escalation.targets import Targets
from loopdesk.monitoring.alerts import AlertLog
from loopdesk.notifications.outbox import Outbox

log = logging.getLogger(__name__)
K = DeadlineKind
ACTIVE = (*OPEN_STATUSES, Status.RESOLVED, Status.CALLBACK_PENDING)
# The columns the sweep reads. A subscriber that reads another still gets it, with one more query;
# loading (and parsing) whole rows would cost a sweep of a thousand complaints more than its work.
FIELDS = ("number", "status", "priority", "risk", "severity", "escalation_level", "received_at", "registered_at",
          "department_id", "customer_id", "problem_type_id", "owner__id", "owner__username", "owner__email",
          "owner__is_active", "owner__display_name", "owner__role", "owner__department_id")


def _reasons() -> dict[str, str]:
    return {
        K.ACCEPTANCE: _("Not accepted within the acceptance time."),
        K.FIRST_RESPONSE: _("First response deadline missed."),
        K.RESOLUTION: _("Resolution deadline missed."),
        K.PROGRESS: _("No progress update within the update interval."),
    }


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    alerts: int = 0
    closed: int = 0
    failed: int = 0
    complaints: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict:
        return {"complaints": self.complaints, "reminders": self.reminders, "escalations": self.escalations,
                "alerts": self.alerts, "closed": self.closed, "failed": self.failed}


class Sweep:
    def __init__(self, now: datetime | None = None, *, batch: int | None = None) -> None:
        self.now = now or timezone.now()
        self.batch = batch or conf.sweep_batch()
        self.result = SweepResult()
        self.targets = Targets()
        self.box = Outbox()
        self.writes = Writes()
        self.alerts = AlertLog()  # the monitor's alert list, written with the batch
        self._cal: BusinessCalendar | None = None
        self._skipped: set[int] = set()
        self._clocks: list[Clocks] = []

    @property
    def cal(self) -> BusinessCalendar:
        if self._cal is None:
            self._cal = calendar_around(self.now - timedelta(days=31), self.now)
        return self._cal

    def run(self) -> SweepResult:
        while self._batch():
            pass
        return self.result

    # --- one transaction: claim, handle, commit ---

    def _batch(self) -> bool:
        """Handle one batch; False when nothing due is left for this run."""
        with transaction.atomic():
            due = Deadline.objects.filter(next_check_at__lte=self.now)
            if self._skipped:
                due = due.exclude(complaint_id__in=self._skipped)
            wanted = list(dict.fromkeys(due.order_by("next_check_at", "id")
                                        .values_list("complaint_id", flat=True)[: self.batch]))
            if not wanted:
                return False
            complaints = self._lock(wanted)
            before = replace(self.result, by_kind=defaultdict(int, self.result.by_kind))
            try:
                # Fast path: the whole batch, written with a handful of statements.
                with transaction.atomic():
                    for c, rows in complaints:
                        self._one(c, rows)
                    self._write()
            except Exception:
                log.warning("sweep: a batch failed; redoing it one complaint at a time", exc_info=True)
                self._discard(before)
                for c, rows in self._lock(wanted):  # fresh rows: the failed attempt changed them in memory
                    self._careful(c, rows)
        return True

    def _lock(self, wanted: list[int]) -> list[tuple[Complaint, list[Deadline]]]:
        # Complaints another transaction holds (a user acting, another sweep) are left for later.
        complaints = list(Complaint.objects.filter(pk__in=wanted).select_for_update(skip_locked=True, of=("self",))
                          .select_related("owner").only(*FIELDS).order_by("pk"))
        self._skipped.update(set(wanted) - {c.pk for c in complaints})
        rows: dict[int, list[Deadline]] = defaultdict(list)
        for row in Deadline.objects.filter(complaint_id__in=[c.pk for c in complaints]).order_by("id"):
            rows[row.complaint_id].append(row)
        return [(c, rows[c.pk]) for c in complaints]

    def _careful(self, c: Complaint, rows: list[Deadline]) -> None:
        """One complaint in its own savepoint: a row that raises is pushed back, logged, and skipped."""
        due = [r for r in rows if r.next_check_at is not None and r.next_check_at <= self.now]
        before = replace(self.result, by_kind=defaultdict(int, self.result.by_kind))
        try:
            with transaction.atomic():
                self._one(c, rows)
                self._write()
        except Exception:
            self._discard(before)
            self.result.failed += 1
            log.exception("sweep: complaint %s failed; its due rows are pushed back", c.number)
            Deadline.objects.filter(pk__in=[r.pk for r in due]).update(
                next_check_at=self.now + timedelta(seconds=conf.poison_delay_seconds()))

    def _one(self, c: Complaint, rows: list[Deadline]) -> None:
        due = [r for r in rows if r.next_check_at is not None and r.next_check_at <= self.now]
        if not due:
            return  # handled by someone else since we looked
        self.result.complaints += 1
        clocks = Clocks(c, self.now, cal=self.cal, rows=rows)
        self._clocks.append(clocks)
        for row in sorted(due, key=lambda r: r.next_check_at):
            self._handle(c, clocks, row)

    def _write(self) -> None:
        new: list[Deadline] = []
        dirty: list[Deadline] = []
        events: list = []
        for clocks in self._clocks:
            n, d, e = clocks.take()
            new += n
            dirty += d
            events += e
        self._clocks = []
        write(new, dirty, events)
        self.box.flush()
        self.writes.flush()
        self.alerts.flush()

    def _discard(self, result: SweepResult) -> None:
        """Forget what a rolled-back attempt collected."""
        self.result, self.box.rows, self._clocks, self.writes = result, [], [], Writes()
        self.alerts.clear()

    # --- what each kind of row asks for ---

    def _handle(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        self.result.by_kind[row.kind] += 1
        if row.state != DeadlineState.RUNNING or c.status not in ACTIVE:
            # A clock the complaint no longer needs (it closed without saying so): stop looking at it.
            row.state = DeadlineState.STOPPED
            clocks.schedule(row)
            self.result.closed += 1
        elif row.kind in SLA_KINDS:
            if row.due_at <= self.now:
                self._missed(c, clocks, row)
            else:
                self._remind(c, clocks, row)
        elif row.kind == K.ASSIGNMENT:
            self._unassigned(c, clocks, row)
        elif row.kind == K.RISK:
            self._risk(c, clocks, row)
        elif row.kind == K.REPEAT:
            self._repeat(c, clocks, row)
        elif row.kind == K.REVIEW:
            self._unreviewed(c, clocks, row)

    def _owner_or_supervisors(self, c: Complaint) -> list:
        return [c.owner] if c.owner_id else self.targets.supervisors(c.department_id)

    def _remind(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        self.box.notify("deadline.reminder", key=f"remind:{row.pk}:{int(row.due_at.timestamp())}",
                        recipients=self._owner_or_supervisors(c), complaint=c,
                        params={"target": row.kind, "due": row.due_at.isoformat()})
        row.reminded_at = self.now
        clocks.schedule(row)
        self.result.reminders += 1

    def _missed(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        due = row.due_at
        row.breached_at = row.breached_at or due
        row.escalations += 1
        clocks.event("deadline_missed", after={"target": row.kind, "due_at": due.isoformat()})
        params = {"target": row.kind, "due": due.isoformat()}
        key = f"missed:{row.pk}:{int(due.timestamp())}"
        self.box.notify("deadline.missed", key=key, recipients=self._owner_or_supervisors(c), complaint=c,
                        params=params)
        if row.kind == K.CALLBACK:
            self._alert("alert.callback_overdue", key, c, params, extra=self._owner_or_supervisors(c))
            clocks.rearm(row)
        elif c.escalation_level >= TOP:
            self._alert("alert.overdue", key, c, params, extra=[self.targets.person(TOP, c.department_id)])
            clocks.rearm(row)
        else:
            if row.kind == K.ACCEPTANCE:
                self._alert("alert.unaccepted", key, c, params)
            self._escalate(c, clocks, row.kind, _reasons()[row.kind], rearm=row)

    def _unassigned(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        if not c.owner_id and c.status in (Status.NEW, Status.REOPENED):
            self._alert("alert.unassigned", f"unassigned:{row.pk}", c, {"since": c.registered_at.isoformat()},
                        extra=self.targets.supervisors(c.department_id))
        clocks.complete(row.kind)

    def _risk(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        level = int(row.meta.get("level", 2))
        self._alert("alert.high_risk", f"risk:{row.pk}", c, {"to_level": level})
        if c.escalation_level < level:
            self._escalate(c, clocks, Trigger.RISK, _("High risk or large amount: straight to L%(level)s.")
                           % {"level": level}, to_level=level)
        clocks.complete(row.kind)

    def _repeat(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        if c.escalation_level < TOP:
            reason = (_("Customer still dissatisfied.") if row.meta.get("reason") == "dissatisfied"
                      else _("Customer complains again."))
            self._escalate(c, clocks, Trigger.REPEAT, reason)
        clocks.complete(row.kind)

    def _unreviewed(self, c: Complaint, clocks: Clocks, row: Deadline) -> None:
        level = int(row.meta.get("level", c.escalation_level))
        params = {"level": level, "due": row.due_at.isoformat()}
        clocks.complete(row.kind)  # before escalating, which arms the next level's review
        self._alert("alert.review_overdue", f"review:{row.pk}", c, params)
        if c.escalation_level < TOP:
            self._escalate(c, clocks, Trigger.REVIEW,
                           _("Nobody at L%(level)s reviewed the escalation in time.") % {"level": level})

    # --- effects ---

    def _escalate(self, c: Complaint, clocks: Clocks, trigger: str, reason: str, *, to_level: int | None = None,
                  rearm: Deadline | None = None) -> None:
        escalate(c, to_level=to_level, reason=reason, trigger=trigger, rearm=rearm, clocks=clocks, box=self.box,
                 targets=self.targets, writes=self.writes, now=self.now)
        self.result.escalations += 1

    def _alert(self, event: str, key: str, c: Complaint, params: dict, *, extra: list | None = None) -> None:
        self.box.notify(event, key=f"{event}:{key}", recipients=[*self.targets.monitors(), *(extra or [])],
                        complaint=c, params=params)
        self.alerts.add(event, key=f"{event}:{key}", complaint=c, params=params, now=self.now)
        self.result.alerts += 1


def run_sweep(now: datetime | None = None) -> SweepResult:
    """One full sweep at `now` (default: the current time)."""
    return Sweep(now).run()
