"""Overdue improvement actions alert like overdue complaints: the owner, the problem's owner and
the monitors hear about it once per due date (moving the due date re-arms the alert).

Run by the background loop with the monitor sweep. Cost follows overdue rows: the partial index on
open actions' due dates. Safe in several processes at once: rows are claimed with SKIP LOCKED,
marked in the same transaction, and the outbox ignores a key it already holds.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loopdesk.escalation.targets import Targets
from loopdesk.improvement.models import OPEN_ACTION_STATUSES, ImprovementAction
from loopdesk.notifications.outbox import Outbox

EVENT = "improvement.action_overdue"
BATCH = 200


def alert_overdue_actions(today: date | None = None) -> int:
    """Alert every open action whose due date has passed and was not alerted for; returns how many."""
    today = today or timezone.localdate()
    targets = Targets()
    alerted = 0
    while True:
        with transaction.atomic():
            rows = list(ImprovementAction.objects
                        .filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
                        .filter(Q(overdue_alerted_for__isnull=True) | ~Q(overdue_alerted_for=F("due_date")))
                        .select_for_update(skip_locked=True, of=("self",))
                        .select_related("owner", "problem__owner")
                        .order_by("due_date", "id")[:BATCH])
            if not rows:
                return alerted
            box = Outbox()
            for action in rows:
                recipients = [action.owner, action.problem.owner if action.problem_id else None,
                              *targets.monitors()]
                box.notify(EVENT, key=f"{EVENT}:{action.pk}:{action.due_date.isoformat()}", recipients=recipients,
                           params={"action_id": action.pk, "measure": action.measure[:100],
                                   "due_date": action.due_date.isoformat(),
                                   "owner": action.owner.label})
                action.overdue_alerted_for = action.due_date
            ImprovementAction.objects.bulk_update(rows, ["overdue_alerted_for"])
            box.flush()
            alerted += len(rows)
