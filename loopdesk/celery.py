"""Celery application for scale-out: `celery -A loopdesk worker` and `celery -A loopdesk beat`.

Workers run the same jobs as the embedded loop (loopdesk.jobs.work); beat only schedules them.
Any number of workers on any number of machines is safe: the sweep and the outbox claim rows
with SKIP LOCKED and leases. Run exactly one beat.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopdesk.settings")

app = Celery("loopdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["loopdesk.jobs"])


def _every(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


_SWEEP, _POLL = _every("LOOPDESK_SWEEP_INTERVAL", 30), _every("LOOPDESK_OUTBOX_POLL", 2)
# A task that waited longer than its period is dropped: the next one does the same work.
app.conf.beat_schedule = {
    "monitor-sweep": {"task": "loopdesk.sweep", "schedule": _SWEEP, "options": {"expires": _SWEEP}},
    # Burst alerts and daily data checks; the task runs only what is due (claimed in the database).
    "monitoring-scans": {"task": "loopdesk.monitor", "schedule": 60.0, "options": {"expires": 60.0}},
    "deliver-outbox": {"task": "loopdesk.deliver", "schedule": _POLL, "options": {"expires": max(_POLL, 5)}},
    # Monthly archiving and retention: due rows are found by date, so an hourly pass acts soon after midnight.
    "archive-closed": {"task": "loopdesk.archive", "schedule": 3600.0, "options": {"expires": 3600.0}},
}
