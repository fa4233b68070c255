"""Draining the outbox: claim due messages with a lease, deliver, mark sent or schedule a retry.

Any number of drainers may run side by side (threads, processes, Celery workers on several
machines): a message is claimed by one conditional UPDATE under SKIP LOCKED, and marking it
sent or failed only counts while the claim token still matches. A drainer that dies keeps its
messages until the lease runs out; then another one delivers them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loopdesk.notifications import conf
from loopdesk.notifications.channels import CHANNELS
from loopdesk.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another drainer took the message over (our lease ran out); let it finish."""


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.dead


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s … capped (defaults); attempts counts the one that just failed."""
    seconds = conf.backoff_base_seconds() * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, conf.backoff_cap_seconds()))


def claim(limit: int, now: datetime | None = None) -> list[OutboxMessage]:
    """Lease up to `limit` due messages to this caller."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    lease_until = now + timedelta(seconds=conf.lease_seconds())
    with transaction.atomic():
        due = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
               .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
               .order_by("next_attempt_at", "id").select_for_update(skip_locked=True).values_list("id", flat=True))
        ids = list(due[:limit])
        if not ids:
            return []
        # next_attempt_at moves with the lease so the index keeps leased rows out of the next claim.
        OutboxMessage.objects.filter(pk__in=ids).update(
            lease_until=lease_until, next_attempt_at=lease_until, claim_token=token, attempts=F("attempts") + 1)
    return list(OutboxMessage.objects.filter(pk__in=ids, claim_token=token)
                .select_related("recipient", "endpoint", "complaint").order_by("id"))


def _mine(message: OutboxMessage):
    return OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token, status=OutboxStatus.PENDING)


def deliver(message: OutboxMessage) -> str:
    """Deliver one claimed message; returns its new status ("sent", "pending" for a retry, "dead")."""
    channel = CHANNELS[message.channel]
    try:
        if channel.TRANSACTIONAL:
            with transaction.atomic():
                channel.deliver(message)
                _mark_sent(message)
        else:
            channel.deliver(message)
            _mark_sent(message)
        return OutboxStatus.SENT
    except LeaseLost:
        log.warning("outbox message %s: lease lost, left to the new owner", message.pk)
        return OutboxStatus.PENDING
    except Exception as exc:  # any failure of any transport is a retry, never a crash of the drainer
        return _mark_failed(message, exc)


def _mark_sent(message: OutboxMessage) -> None:
    now = timezone.now()
    if _mine(message).update(status=OutboxStatus.SENT, sent_at=now, lease_until=None, last_error="") != 1:
        raise LeaseLost(message.pk)


def _mark_failed(message: OutboxMessage, exc: Exception) -> str:
    now = timezone.now()
    dead = message.attempts >= conf.max_attempts()
    status = OutboxStatus.DEAD if dead else OutboxStatus.PENDING
    error = f"{type(exc).__name__}: {exc}"[:2000]
    _mine(message).update(status=status, lease_until=None, next_attempt_at=now + backoff(message.attempts),
                          last_error=error)
    (log.error if dead else log.warning)("outbox message %s (%s) attempt %s failed: %s", message.pk,
                                          message.channel, message.attempts, error)
    return status


def drain(*, batch: int = 50, max_messages: int = 1000) -> DrainResult:
    """Deliver due messages until none is left or max_messages were handled."""
    result = DrainResult()
    while result.handled < max_messages:
        messages = claim(min(batch, max_messages - result.handled))
        if not messages:
            break
        for message in messages:
            status = deliver(message)
            if status == OutboxStatus.SENT:
                result.sent += 1
            elif status == OutboxStatus.DEAD:
                result.dead += 1
            else:
                result.retried += 1
    return result
