"""Writing notifications: rows in the outbox, in the caller's transaction (SPEC §8).

Call inside the transaction of the change. Keys make writing idempotent: a second write with
the same key is ignored, so a retried action or sweep never queues a message twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from loopdesk.core import bulk
from loopdesk.core.memo import memo
from loopdesk.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookEndpoint

# Events worth an email as well as the inbox: someone must act now. Reminders and misses the
# owner already sees in the inbox do not fill mailboxes.
EMAIL_EVENTS = {"complaint.escalated", "complaint.assigned", "alert.high_risk", "alert.unassigned", "alert.unaccepted",
                "alert.overdue", "alert.callback_overdue",
                "improvement.action_overdue", "alert.burst"}
COLUMNS = ("channel", "event", "dedupe_key", "recipient", "address", "endpoint", "complaint", "params", "status",
           "attempts", "next_attempt_at", "claim_token", "last_error", "created_at")


class Outbox:
    """Collects messages and writes them with one query. Reuse one for many changes (the sweep)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self._endpoints: list[WebhookEndpoint] | None = None

    def endpoints(self) -> list[WebhookEndpoint]:
        if self._endpoints is None:
            # Read on every action; memoised like the other configuration tables (saving one clears it).
            self._endpoints = memo("webhook_endpoints", lambda: list(WebhookEndpoint.objects.filter(active=True)))
        return self._endpoints

    def notify(self, event: str, *, key: str, recipients: Iterable[Any], complaint=None,
               params: dict[str, Any] | None = None, webhook: bool = True) -> None:
        """Tell people (inbox; email too for EMAIL_EVENTS when they have an address) and other systems."""
        params = _params(complaint, params)
        seen: set[int] = set()
        for user in recipients:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            self._add(Channel.INBOX, event, f"{key}:inbox:{user.pk}", complaint, params, recipient=user.pk)
            if user.email and event in EMAIL_EVENTS:
                self._add(Channel.EMAIL, event, f"{key}:email:{user.pk}", complaint, params, recipient=user.pk,
                          address=user.email)
        if webhook:
            self.publish(event, key=key, complaint=complaint, params=params)

    def publish(self, event: str, *, key: str, complaint=None, params: dict[str, Any] | None = None) -> None:
        """Send an event to every webhook endpoint that subscribes to it."""
        params = _params(complaint, params)
        for endpoint in self.endpoints():
            if endpoint.wants(event):
                self._add(Channel.WEBHOOK, event, f"{key}:webhook:{endpoint.pk}", complaint, params,
                          endpoint=endpoint.pk)

    def _add(self, channel: str, event: str, key: str, complaint, params: dict, *, recipient: int | None = None,
             address: str = "", endpoint: int | None = None) -> None:
        self.rows.append((channel, event, key[:255], recipient, address, endpoint,
                          complaint.pk if complaint is not None else None, params))

    def flush(self) -> int:
        """Insert the collected messages; a key already queued is skipped (ON CONFLICT DO NOTHING)."""
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        # Plain rows and one statement: the sweep writes thousands, and model instances would cost
        # more than the insert itself.
        now = timezone.now()
        bulk.insert(OutboxMessage, COLUMNS, [(*row, OutboxStatus.PENDING, 0, now, "", "", now) for row in rows],
                    ignore_conflicts_on="dedupe_key")
        return len(rows)


def _params(complaint, params: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(params or {})
    if complaint is not None:
        out.setdefault("number", complaint.number)
    return out


def notify(event: str, *, key: str, recipients: Iterable[Any], complaint=None, params: dict[str, Any] | None = None,
           webhook: bool = True) -> None:
    box = Outbox()
    box.notify(event, key=key, recipients=recipients, complaint=complaint, params=params, webhook=webhook)
    box.flush()


def publish(event: str, *, key: str, complaint=None, params: dict[str, Any] | None = None) -> None:
    box = Outbox()
    box.publish(event, key=key, complaint=complaint, params=params)
    box.flush()
