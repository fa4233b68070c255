"""Monitor's alerts: recording the ones the sweep raises, showing and acknowledging them.

The escalation sweep already detects new high-risk, unaccepted, unassigned and overdue complaints
and notifies the monitors through the outbox; `AlertLog` records each of those conditions as an
Alert row in the sweep's own transaction, under the same key as its notification, so the list in
the app and the messages sent can never disagree and nothing is sent twice. Burst alerts are
raised by loopdesk/monitoring/burst.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.core.errors import Conflict, NotFound, ValidationFailed
from loopdesk.monitoring.access import require_act, visible_alerts
from loopdesk.monitoring.models import Alert, AlertKind
from loopdesk.notifications.messages import render

# Sweep notification event → alert kind.
SWEEP_EVENTS = {
    "alert.high_risk": AlertKind.HIGH_RISK,
    "alert.unaccepted": AlertKind.UNACCEPTED,
    "alert.unassigned": AlertKind.UNASSIGNED,
    "alert.overdue": AlertKind.OVERDUE,
    "alert.callback_overdue": AlertKind.CALLBACK_OVERDUE,
    "alert.review_overdue": AlertKind.REVIEW_OVERDUE,
}


class AlertLog:
    """Alert rows collected while the sweep handles a batch, written with it (or discarded with it)."""

    def __init__(self) -> None:
        self.rows: list[Alert] = []

    def add(self, event: str, *, key: str, complaint: Any, params: dict[str, Any], now: datetime) -> None:
        kind = SWEEP_EVENTS.get(event)
        if kind is not None:
            self.rows.append(Alert(kind=kind, dedupe_key=key[:255], complaint_id=complaint.pk, params=dict(params),
                                   created_at=now))

    def clear(self) -> None:
        self.rows = []

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if rows:
            # A condition recorded before (a re-run, another sweep) is skipped, like its outbox row.
            Alert.objects.bulk_create(rows, ignore_conflicts=True)


def text(alert: Alert) -> tuple[str, str]:
    """(title, body) in the active language, worded like the notification that announced it."""
    params = dict(alert.params)
    if alert.complaint_id is not None:
        params.setdefault("number", alert.complaint.number)
    return render(f"alert.{alert.kind}", params)


@transaction.atomic
def acknowledge(alert_id: int, *, actor: User, note: str) -> Alert:
    """Record that a monitor has seen the alert and what they did about it. Only once."""
    require_act(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed.single("note", _("Say what was done about the alert."))
    alert = visible_alerts(actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("Alert not found."))
    now = timezone.now()
    # Conditional UPDATE: of two monitors acknowledging at once, exactly one wins.
    won = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=now, ack_note=note)
    if not won:
        raise Conflict(_("This alert has already been acknowledged."))
    alert.refresh_from_db()
    return alert
