"""Target metrics of improvement actions, computed from the records by database aggregation, and
the effect evaluation: the metric before the action started against after it was completed.

Every metric is scoped to complaints of a problem type (a root type covers its sub-types) and/or
a product; cancelled complaints (registration errors, duplicates) are left out of every count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from loopdesk.complaints.models import Complaint, Satisfaction, Status
from loopdesk.deadlines.models import Deadline, DeadlineKind
from loopdesk.improvement.models import ActionStatus, ImprovementAction, Metric

LOWER_IS_BETTER = frozenset({Metric.WEEKLY_COMPLAINTS, Metric.REPEAT_RATE})
RATES = frozenset({Metric.REPEAT_RATE, Metric.SATISFACTION_RATE, Metric.ON_TIME_RESOLUTION_RATE})
WEEK = timedelta(weeks=1)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scope:
    problem_type_id: int | None = None
    product: str = ""

    def complaints(self, prefix: str = "") -> Q:
        q = ~Q(**{f"{prefix}status": Status.CANCELLED})
        if self.problem_type_id is not None:
            q &= (Q(**{f"{prefix}problem_type_id": self.problem_type_id})
                  | Q(**{f"{prefix}problem_type__parent_id": self.problem_type_id}))
        if self.product:
            q &= Q(**{f"{prefix}product": self.product})
        return q


@dataclass(frozen=True)
class Reading:
    """The metric over [start, end): its value (None without data) and how many records it rests on."""

    start: datetime
    end: datetime
    value: Decimal | None
    count: int


def _rate(hits: int, total: int) -> Decimal | None:
    return None if not total else (Decimal(100 * hits) / total).quantize(CENT, ROUND_HALF_UP)


def _share(qs: QuerySet, hit: Q) -> tuple[int, int]:
    row = qs.aggregate(total=Count("id"), hits=Count("id", filter=hit))
    return row["hits"], row["total"]


def measure(metric: str, scope: Scope, start: datetime, end: datetime) -> Reading:
    if end <= start:
        return Reading(start, end, None, 0)
    if metric == Metric.WEEKLY_COMPLAINTS:
        n = Complaint.objects.filter(scope.complaints(), received_at__gte=start, received_at__lt=end).count()
        weeks = Decimal((end - start).total_seconds()) / Decimal(WEEK.total_seconds())
        return Reading(start, end, (Decimal(n) / weeks).quantize(CENT, ROUND_HALF_UP), n)
    if metric == Metric.REPEAT_RATE:
        qs = Complaint.objects.filter(scope.complaints(), received_at__gte=start, received_at__lt=end)
        hits, total = _share(qs, Q(is_repeat=True))
    elif metric == Metric.SATISFACTION_RATE:
        qs = Satisfaction.objects.filter(scope.complaints("complaint__"), at__gte=start, at__lt=end)
        hits, total = _share(qs, Q(dissatisfied=False))
    elif metric == Metric.ON_TIME_RESOLUTION_RATE:
        # Resolution targets that ended in the period, met or missed; stopped clocks (cancelled) say nothing.
        qs = Deadline.objects.filter(scope.complaints("complaint__"), kind=DeadlineKind.RESOLUTION,
                                     done_at__gte=start, done_at__lt=end, met__isnull=False)
        hits, total = _share(qs, Q(met=True))
    else:
        raise ValueError(metric)
    return Reading(start, end, _rate(hits, total), total)


def scope_of(action: ImprovementAction) -> Scope:
    return Scope(action.metric_problem_type_id, action.metric_product)


def baseline(metric: str, scope: Scope, weeks: int, now: datetime | None = None) -> Decimal:
    """The metric over the last `weeks` weeks: the baseline when the planner gives none."""
    now = now or timezone.now()
    value = measure(metric, scope, now - weeks * WEEK, now).value
    return value if value is not None else Decimal("0.00")


@dataclass(frozen=True)
class Effect:
    metric: str
    lower_is_better: bool
    baseline: Decimal
    target: Decimal
    before: Reading
    after: Reading | None
    final: bool  # the after period is complete: completed at least `weeks` weeks ago

    @property
    def change(self) -> Decimal | None:
        if self.after is None or self.after.value is None or self.before.value is None:
            return None
        return self.after.value - self.before.value

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None:
            return None
        return change < 0 if self.lower_is_better else change > 0

    @property
    def target_met(self) -> bool | None:
        if self.after is None or self.after.value is None:
            return None
        return self.after.value <= self.target if self.lower_is_better else self.after.value >= self.target


def evaluate(action: ImprovementAction, now: datetime | None = None) -> Effect:
    """Before: the `weeks` weeks before the action started. After: from completion, up to `weeks`
    weeks (final once they have passed); while still open, since it started (at most `weeks`
    weeks back), as a provisional reading; none for a cancelled action."""
    now = now or timezone.now()
    span = action.evaluation_weeks * WEEK
    began = action.started_at or action.created_at
    scope = scope_of(action)
    before = measure(action.metric, scope, began - span, began)
    after: Reading | None = None
    final = False
    if action.status == ActionStatus.DONE and action.completed_at:
        end = min(now, action.completed_at + span)
        after = measure(action.metric, scope, action.completed_at, end)
        final = now >= action.completed_at + span
    elif action.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS):
        after = measure(action.metric, scope, max(began, now - span), now)
    return Effect(metric=action.metric, lower_is_better=action.metric in LOWER_IS_BETTER,
                  baseline=action.baseline_value, target=action.target_value, before=before, after=after,
                  final=final)
