"""The periodic monitoring scans, run by the background loop and the Celery beat task.

Each scan is claimed with a conditional UPDATE of its ScanMark row, so however many loops or
workers call `run_due` at once, exactly one runs each due scan. Burst alerts run every
15 minutes and the data checks once a day after 02:00 local time, unless set otherwise (conf.py:
the configuration page, else LOOPDESK_BURST_SCAN_SECONDS / LOOPDESK_DATA_CHECK_HOUR).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loopdesk.monitoring import burst, checks, conf
from loopdesk.monitoring.models import ScanMark

log = logging.getLogger(__name__)


def claim(name: str, *, started_before: datetime, now: datetime) -> bool:
    """True for exactly one caller when the scan last started before `started_before` (or never)."""
    if not ScanMark.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                ScanMark.objects.create(name=name)
        except IntegrityError:
            pass  # created by a concurrent caller
    return ScanMark.objects.filter(Q(last_started_at__isnull=True) | Q(last_started_at__lt=started_before),
                                   name=name).update(last_started_at=now) == 1


def last_daily_moment(now: datetime, hour: int) -> datetime:
    """The latest local `hour`:00 at or before now."""
    local = timezone.localtime(now)
    moment = datetime.combine(local.date(), time(hour), tzinfo=local.tzinfo)
    return moment if moment <= local else moment - timedelta(days=1)


def run_due(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    out: dict = {}
    if claim("bursts", started_before=now - timedelta(seconds=conf.burst_scan_seconds()) + timedelta(seconds=1),
             now=now):
        out["burst_alerts"] = len(burst.raise_alerts(now))
    if claim("data_checks", started_before=last_daily_moment(now, conf.data_check_hour()), now=now):
        result = checks.scan(now=now)
        out["data_checks"] = {name: r.as_dict() for name, r in result.items()}
        log.info("data checks: %s", out["data_checks"])
    return out
