"""The background work, one function per job. The embedded loop, `manage.py run_jobs` and the
Celery tasks all call these, so every deployment runs the same code."""

from __future__ import annotations

import logging

from loopdesk.complaints import archiving
from loopdesk.escalation.sweep import run_sweep
from loopdesk.notifications.delivery import drain

log = logging.getLogger(__name__)


def sweep() -> dict:
    result = run_sweep()
    if result.complaints:
        log.info("sweep: %s", result.as_dict())
    # Overdue improvement actions ride on the sweep, so every deployment checks them; idle, one indexed query.
    from loopdesk.improvement.overdue import alert_overdue_actions

    return {**result.as_dict(), "overdue_actions": alert_overdue_actions()}


def monitor() -> dict:
    """Burst alerts and the daily data checks, each when due (claimed, so one process runs each)."""
    from loopdesk.monitoring.jobs import run_due

    return run_due()


def deliver(max_messages: int = 1000) -> dict:
    result = drain(max_messages=max_messages)
    if result.handled:
        log.info("outbox: sent %s, retried %s, gave up %s", result.sent, result.retried, result.dead)
    return {"sent": result.sent, "retried": result.retried, "dead": result.dead}


def archive() -> dict:
    """Archive closed complaints that are due and anonymise those past retention (idempotent)."""
    return archiving.run().as_dict()
