"""Burst alerts (SPEC §6): complaints of one problem type, product or region above their normal rate.

The rule, for each dimension (problem type, product, region) and each of its values:

* Window W (`burst.window_hours`, default 24 h). The current window is (now − W, now]; the history is
  the N windows of the same length just before it (`burst.history_windows`, default 28: four weeks
  of days). Complaints count by `received_at`; cancelled ones (invalid or duplicates) do not count.
* From the history counts x₁…x_N: mean μ and sample standard deviation s, and the spread
  σ = max(s, √μ, 1). The floor matters when the history barely varies: counts of independent
  complaints scatter at least like a Poisson process (√μ), and a value never seen before (μ = 0)
  still needs more than k complaints.
* Alert when the current count c ≥ `burst.min_count` (default 5) and c > μ + k·σ (`burst.k`, default 3).
* History windows before the desk's first complaint do not count (they would read as zeros); with
  fewer than MIN_HISTORY_WINDOWS windows of history there is no baseline and no burst alert.
* Once raised, the same dimension and value does not raise again until a full window has passed.

Counts come from the database (one GROUP BY for the current window, one over the history for the
values that reached the minimum), never from loops over complaints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from loopdesk.classification.models import ProblemType
from loopdesk.complaints.models import Complaint, Status
from loopdesk.core import config
from loopdesk.escalation.targets import Targets
from loopdesk.monitoring.models import Alert, AlertKind, Dimension
from loopdesk.notifications.outbox import Outbox

MIN_HISTORY_WINDOWS = 7
# The complaint column each dimension counts by, and the values that mean "not given".
COLUMNS = {Dimension.TYPE: "problem_type_id", Dimension.PRODUCT: "product", Dimension.REGION: "region"}


@dataclass(frozen=True)
class Rule:
    window: timedelta
    history: int
    k: float
    min_count: int

    @classmethod
    def from_config(cls) -> Rule:
        return cls(window=timedelta(hours=float(config.get("burst.window_hours"))),
                   history=max(1, int(config.get("burst.history_windows"))),
                   k=float(config.get("burst.k")), min_count=max(1, int(config.get("burst.min_count"))))


@dataclass(frozen=True)
class Baseline:
    mean: float
    sd: float
    spread: float
    threshold: float


@dataclass(frozen=True)
class Burst:
    dimension: str
    value: str
    label: str
    observed: int
    baseline: Baseline
    window_start: datetime
    window_end: datetime


def baseline(history: list[int], k: float) -> Baseline:
    """μ, s, σ = max(s, √μ, 1) and the threshold μ + kσ of a list of window counts."""
    n = len(history)
    mean = sum(history) / n if n else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / (n - 1)) if n > 1 else 0.0
    spread = max(sd, math.sqrt(mean), 1.0)
    return Baseline(mean, sd, spread, mean + k * spread)


def is_burst(count: int, history: list[int], rule: Rule) -> bool:
    return count >= rule.min_count and count > baseline(history, rule.k).threshold


def _counted() -> QuerySet[Complaint]:
    return Complaint.objects.exclude(status=Status.CANCELLED)


def history_windows(now: datetime, rule: Rule) -> int:
    """How many history windows the desk has lived through (at most rule.history)."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return 0
    # Window i (1…N) ends at now − i·W; it counts if it ends after the first complaint.
    lived = math.ceil((now - first) / rule.window) - 1
    return max(0, min(rule.history, lived))


def detect(now: datetime | None = None, rule: Rule | None = None) -> list[Burst]:
    now = now or timezone.now()
    rule = rule or Rule.from_config()
    n = history_windows(now, rule)
    if n < MIN_HISTORY_WINDOWS:
        return []
    w = rule.window
    start = now - w
    found: list[Burst] = []
    for dim, column in COLUMNS.items():
        blank = Q(**{f"{column}__isnull": True}) if dim == Dimension.TYPE else Q(**{column: ""})
        current = dict(_counted().filter(received_at__gt=start, received_at__lte=now).exclude(blank)
                       .values_list(column).annotate(n=Count("id")).filter(n__gte=rule.min_count)
                       .values_list(column, "n"))
        if not current:
            continue
        # Window i of the history is (now − (i+1)W, now − iW]; the CASE numbers each complaint's window.
        bucket = Case(*[When(received_at__gt=now - (i + 1) * w, then=Value(i)) for i in range(1, n + 1)],
                      output_field=IntegerField())
        past: dict[object, list[int]] = {value: [0] * n for value in current}
        rows = (_counted().filter(received_at__gt=now - (n + 1) * w, received_at__lte=start,
                                  **{f"{column}__in": list(current)})
                .annotate(bucket=bucket).values_list(column, "bucket").annotate(c=Count("id")).order_by())
        for value, i, c in rows:
            past[value][i - 1] = c
        labels = _labels(dim, list(current))
        for value, count in current.items():
            if is_burst(count, past[value], rule):
                found.append(Burst(dim, str(labels[value][0]), labels[value][1], count,
                                   baseline(past[value], rule.k), start, now))
    return found


def _labels(dim: str, values: list) -> dict[object, tuple[str, str]]:
    """value → (stored value, label): problem types by code and name, others as they are."""
    if dim != Dimension.TYPE:
        return {v: (v, v) for v in values}
    out = {}
    for pt in ProblemType.objects.filter(pk__in=values):
        label = pt.name_zh if pt.name_zh == pt.name_en else f"{pt.name_zh} / {pt.name_en}"
        out[pt.pk] = (pt.code, label)
    return out


def dedupe_key(burst: Burst, window: timedelta) -> str:
    # One key per dimension, value and window-length slot: two scans in the same slot write one alert.
    slot = int(burst.window_end.timestamp() // max(1, int(window.total_seconds())))
    return f"alert.burst:{burst.dimension}:{burst.value}:{slot}"[:255]


def raise_alerts(now: datetime | None = None, rule: Rule | None = None) -> list[Alert]:
    """Detect bursts and raise an alert (row + outbox notification to the monitors) for each new one."""
    now = now or timezone.now()
    rule = rule or Rule.from_config()
    raised: list[Alert] = []
    targets = Targets()
    for burst in detect(now, rule):
        with transaction.atomic():
            recent = Alert.objects.filter(kind=AlertKind.BURST, dimension=burst.dimension,
                                          subject_value=burst.value, created_at__gt=now - rule.window)
            if recent.exists():
                continue  # the same burst, still going: it was raised within the window
            b = burst.baseline
            params = {"subject": burst.label, "count": burst.observed, "mean": f"{b.mean:.1f}",
                      "threshold": f"{b.threshold:.1f}", "hours": f"{rule.window.total_seconds() / 3600:g}",
                      "dimension": burst.dimension}
            alert = Alert(kind=AlertKind.BURST, dedupe_key=dedupe_key(burst, rule.window),
                          dimension=burst.dimension, subject_value=burst.value[:100],
                          subject_label=burst.label[:200], window_start=burst.window_start,
                          window_end=burst.window_end, observed=burst.observed, baseline_mean=b.mean,
                          baseline_sd=b.sd, threshold=b.threshold, params=params, created_at=now)
            try:
                with transaction.atomic():
                    alert.save()
            except IntegrityError:
                continue  # another scan raised it a moment ago
            box = Outbox()
            box.notify("alert.burst", key=alert.dedupe_key, recipients=targets.monitors(), params=params)
            box.flush()
            raised.append(alert)
    return raised


def complaints_of(alert: Alert) -> QuerySet[Complaint]:
    """The complaints a burst alert counted."""
    if alert.kind != AlertKind.BURST or alert.window_start is None:
        return Complaint.objects.none()
    qs = _counted().filter(received_at__gt=alert.window_start, received_at__lte=alert.window_end)
    if alert.dimension == Dimension.TYPE:
        return qs.filter(problem_type__code=alert.subject_value)
    return qs.filter(**{COLUMNS[Dimension(alert.dimension)]: alert.subject_value})
