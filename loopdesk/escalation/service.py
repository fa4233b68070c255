"""Escalating a complaint: the one function manual escalation and the monitor sweep both call.

The caller holds the complaint's row lock inside a transaction. The escalation record, the
new level, the timeline event, the re-armed deadline and the notifications commit together.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.complaints import hooks
from loopdesk.complaints.models import Complaint, Event, EventKind
from loopdesk.core import bulk
from loopdesk.core.errors import Conflict, ValidationFailed
from loopdesk.deadlines import conf as deadline_conf
from loopdesk.deadlines.engine import Clocks
from loopdesk.deadlines.models import Deadline, DeadlineKind, DeadlineState
from loopdesk.escalation.models import Escalation, Level
from loopdesk.escalation.targets import Targets
from loopdesk.notifications.outbox import Outbox

TOP = Level.L3


class Writes:
    """Escalations of many complaints, written together at the end of a sweep batch.

    The subscribers of the "escalate" change run after the rows exist, still inside the
    transaction, exactly as they do after a single manual escalation.
    """

    def __init__(self) -> None:
        self.escalations: list[Escalation] = []
        self.complaints: list[Complaint] = []
        self._changes: list[tuple[Complaint, Escalation]] = []

    def flush(self) -> None:
        escalations, complaints, changes = self.escalations, self.complaints, self._changes
        self.escalations, self.complaints, self._changes = [], [], []
        if len(complaints) == 1:
            complaints[0].save(update_fields=["escalation_level", "updated_at"])
        elif complaints:
            now = timezone.now()  # one statement for the whole batch
            bulk.update(Complaint, ("escalation_level", "updated_at"),
                        [(c.pk, c.escalation_level, now) for c in complaints])
        if escalations:
            Escalation.objects.bulk_create(escalations)
        for c, esc in changes:
            hooks.changed(c, "escalate", esc.actor, escalation_id=esc.pk, from_level=esc.from_level,
                          to_level=esc.to_level, trigger=esc.trigger)


def escalate(complaint: Complaint, *, to_level: int | None = None, reason: str, trigger: str,
             actor: Any = None, customer_told: bool = False, rearm: Deadline | None = None,
             clocks: Clocks | None = None, box: Outbox | None = None, targets: Targets | None = None,
             writes: Writes | None = None, now: datetime | None = None) -> Escalation:
    """Move the complaint to `to_level` (default: the next one) and tell the person who takes it.

    Given `clocks`, `box` and `writes` (the sweep), the rows are left to the caller to write;
    otherwise they are written before this returns.
    """
    c = complaint
    from_level = c.escalation_level
    to_level = from_level + 1 if to_level is None else to_level
    if from_level >= TOP:
        raise Conflict(_("The complaint is already at the highest level (L3)."))
    if not from_level < to_level <= TOP:
        raise ValidationFailed.single("to_level", _("Choose a level above L%(level)s, at most L3.")
                                      % {"level": from_level})
    own = writes is None
    clocks = clocks or Clocks(c, now)
    box = box or Outbox()
    targets = targets or Targets()
    writes = writes or Writes()
    now = now or clocks.now

    from_user = targets.person(from_level, c.department_id) if from_level else (c.owner if c.owner_id else None)
    to_user = targets.person(to_level, c.department_id)
    if rearm is not None:
        # The missed target starts again at the new level: that is the new deadline.
        clocks.rearm(rearm)
        new_due = rearm.due_at
    else:
        resolution = clocks.live(DeadlineKind.RESOLUTION)
        new_due = resolution.due_at if resolution is not None and resolution.state == DeadlineState.RUNNING else None

    # Someone at the new level must look at it soon; the sweep escalates again if nobody does.
    clocks.complete(DeadlineKind.REVIEW)  # escalating again ends the previous level's review
    clocks.watch(DeadlineKind.REVIEW, now + timedelta(minutes=deadline_conf.review_minutes(to_level)),
                 level=to_level, person=to_user.username if to_user else None)
    c.escalation_level = to_level
    esc = Escalation(complaint=c, at=now, trigger=trigger, reason=reason, from_level=from_level, to_level=to_level,
                     from_user=from_user, to_user=to_user, new_due_at=new_due, customer_told=customer_told,
                     actor=actor)
    writes.complaints.append(c)
    writes.escalations.append(esc)
    writes._changes.append((c, esc))
    clocks.events.append(Event(
        complaint=c, kind=EventKind.ESCALATION, actor=actor, at=now, action="escalate", note=reason,
        before={"level": from_level, "person": from_user.username if from_user else None},
        after={"level": to_level, "person": to_user.username if to_user else None, "trigger": trigger,
               "due_at": new_due.isoformat() if new_due else None, "customer_told": customer_told},
    ))
    params = {"from_level": from_level, "to_level": to_level, "reason": reason,
              "due": new_due.isoformat() if new_due else None}
    recipients = [to_user] if to_user else targets.monitors()
    # Levels only go up, so complaint + level names this escalation for good.
    box.notify("complaint.escalated", key=f"esc:{c.pk}:L{to_level}", recipients=recipients, complaint=c,
               params=params, webhook=False)
    if own:
        clocks.save()
        box.flush()
        writes.flush()
    return esc
