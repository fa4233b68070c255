"""The background work, one function per job. The embedded loop, `manage.py run_jobs` and the
Celery tasks all call these, so every deployment runs the same code."""

from __future__ import annotations

import logging

from loopdesk.escalation.sweep import run_sweep
from loopdesk.notifications.delivery import drain

log = logging.getLogger(__name__)


def sweep() -> dict:
    result = run_sweep()
    if result.complaints:
        log.info("sweep: %s", result.as_dict())
    return result.as_dict()


def deliver(max_messages: int = 1000) -> dict:
    result = drain(max_messages=max_messages)
    if result.handled:
        log.info("outbox: sent %s, retried %s, gave up %s", result.sent, result.retried, result.dead)
    return {"sent": result.sent, "retried": result.retried, "dead": result.dead}
