"""Which SLA policy applies to a complaint, and how a target becomes a due time (SPEC §3)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from loopdesk.core.errors import ValidationFailed
from loopdesk.core.memo import memo
from loopdesk.deadlines.calendar import BusinessCalendar
from loopdesk.deadlines.defaults import policy_fields
from loopdesk.deadlines.models import SlaPolicy, Unit
from loopdesk.deadlines.models.deadline import Metric

log = logging.getLogger(__name__)


def active_policies() -> list[SlaPolicy]:
    # Read on every registration and recomputation; memoised like the other configuration tables.
    return memo("sla_policies", lambda: list(SlaPolicy.objects.filter(active=True)))


def policy_for(complaint) -> SlaPolicy:
    """The most specific active policy: exact type > root type > any type, then customer level > any.

    Without a matching row (an admin deactivated them all) the built-in defaults apply, so a
    complaint never runs without deadlines.
    """
    pt = complaint.problem_type if complaint.problem_type_id else None
    type_ids = [i for i in (pt.pk, pt.parent_id) if i] if pt else []
    level = complaint.customer.level if complaint.customer_id else ""
    rows = [p for p in active_policies() if p.priority == complaint.priority and p.customer_level in ("", level)
            and (p.problem_type_id is None or p.problem_type_id in type_ids)]
    if rows:
        def score(p: SlaPolicy) -> tuple[int, int]:
            by_type = 4 if pt and p.problem_type_id == pt.pk else 2 if p.problem_type_id else 0
            return by_type + (1 if p.customer_level else 0), -p.pk
        return max(rows, key=score)
    log.warning("No active SLA policy for priority %s; using the built-in defaults.", complaint.priority)
    return SlaPolicy(**policy_fields(complaint.priority))


def metric_of(unit: str) -> str:
    return Metric.CLOCK if unit == Unit.CLOCK_HOURS else Metric.WORKING


def plan(cal: BusinessCalendar | None, start: datetime, amount: Decimal, unit: str) -> tuple[str, int, datetime]:
    """(metric, budget in seconds of that metric, due time) for a target started at `start`."""
    if amount < 0:
        raise ValueError("SLA durations cannot be negative.")
    if unit == Unit.WORKING_DAYS:
        due = cal.add_working_days(start, int(amount))
        return Metric.WORKING, int(cal.working_time_between(start, due).total_seconds()), due
    seconds = int(amount * 3600)
    metric = metric_of(unit)
    return metric, seconds, advance(cal, metric, start, seconds)


def advance(cal: BusinessCalendar | None, metric: str, start: datetime, seconds: float) -> datetime:
    """The instant `seconds` of the metric after start."""
    delta = timedelta(seconds=max(0, seconds))
    return start + delta if metric == Metric.CLOCK else cal.add_working_time(start, delta)


def elapsed(cal: BusinessCalendar, metric: str, a: datetime, b: datetime) -> int:
    """Seconds of the metric from a to b (zero if b is not after a)."""
    if b <= a:
        return 0
    delta = b - a if metric == Metric.CLOCK else cal.working_time_between(a, b)
    return int(delta.total_seconds())


def save_policy(policy: SlaPolicy) -> SlaPolicy:
    """Validate and save a policy; bad values come back as field errors, nothing is saved."""
    try:
        policy.full_clean()
    except ValidationError as exc:
        raise ValidationFailed({field: list(messages) for field, messages in exc.message_dict.items()}) from None
    policy.save()
    return policy
