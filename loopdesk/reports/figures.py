"""The report's figures (SPEC §7), each an aggregate computed by the database.

Every figure covers the complaints *received* in the period that pass the filters and that the
viewer may see (`ReportQuery.complaints`). Python only adds up a few grouped counts (per priority)
and labels the groups; it never iterates over complaint rows. The per-complaint facts that live in
other tables (how the first cycle of each clock ended, survey link sent, rated) are read from the
columns the domain keeps on the complaint row (complaints/models/complaint.py), so the figures over a
period scan the complaint table without probing deadlines, survey links or ratings per row.

Definitions, also shown on the page and in docs/PERFORMANCE.md:
- first-response time: first_response_at − received_at (clock time), complaints that have one;
- handling time: resolved_at − received_at (clock time), complaints resolved (and not reopened since);
- on time: the first cycle of the complaint's first-response / resolution clock (the first promise
  made to the customer): met, against missed (finished late, or still running past its due time);
  clocks stopped without an outcome (e.g. cancelled complaints) are left out
  (`first_response_met` / `resolution_met`, written by deadlines/engine.py);
- satisfied: a rating whose four dimensions average ≥ 4 (满意 or 非常满意); per dimension a score ≥ 4;
  every rating given counts (a reopened complaint can be rated again);
- survey response rate: complaints rated (callback or survey link) among those sent a survey link;
- repeat rate: complaints marked as repeats (same customer and type within the window, or reopened
  after a dissatisfied rating) among all complaints;
- record complete: see COMPLETE below; registration in time: registered ≤ 15 minutes after received.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Trunc
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, User
from loopdesk.classification.models import Priority
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.models import Channel, Complaint, Customer, Satisfaction, Status
from loopdesk.reports.aggregates import (
    Seconds,
    grouping_sets,
    native_percentiles,
    percentile_by_offset,
)
from loopdesk.reports.query import ReportQuery

# The four rated dimensions, labelled as the rating form labels them.
DIMENSIONS = {name: capfirst(Satisfaction._meta.get_field(name).verbose_name)
              for name in ("response_speed", "result", "attitude", "communication")}
SATISFIED_SCORE = 4  # 满意 (4) or 非常满意 (5) on the five-point scale
SATISFACTION_TARGETS = {"A": 0.90, "B": 0.90, "C": 0.85}  # SPEC §5
SURVEY_RESPONSE_TARGET = 0.15
COMPLETENESS_TARGET = 0.98
REGISTRATION_TARGET = timedelta(minutes=15)  # SPEC §1
FRACTIONS = {"p50": 0.5, "p90": 0.9}
MAX_GROUPS = 20  # rows per distribution; the rest are summed as "other"
TOP_TYPES = 10

# Channels whose reference is the channel itself (the portal form, an API client): no reference needed.
IMPLICIT_REFERENCE = (Channel.WEB, Channel.API)

# A record is complete when it holds what SPEC §1 and §4 ask for at its stage: the customer's words,
# subject and core demand, a problem type, the channel reference where the channel has one, a way to
# reach the customer (unless anonymous), an owner once it left "new", and a resolution once resolved.
# The customer is checked against the few that cannot be reached (a set PostgreSQL hashes once)
# rather than joined row by row: the same condition, without joining every customer to the period.
UNREACHABLE = Customer.objects.filter(anonymous=False, phone="", email="").values("pk")
COMPLETE = (
    Q(problem_type__isnull=False) & ~Q(subject="") & ~Q(description="") & ~Q(core_demand="")
    & (Q(channel__in=IMPLICIT_REFERENCE) | ~Q(channel_ref=""))
    & ~Q(customer_id__in=UNREACHABLE)
    & (Q(status__in=(Status.NEW, Status.CANCELLED)) | Q(owner__isnull=False))
    & (Q(resolved_at__isnull=True) | ~Q(resolution_summary=""))
)

# The clocks whose first cycle is reported → the complaint column holding its outcome: True on time,
# False late (finished late, or open past due), NULL undecided (deadlines/engine.py:outcome).
CLOCKS = {"response": "first_response_met", "resolution": "resolution_met"}

# name → (seconds expression, which complaints have it)
DURATIONS = {
    "first_response": (Seconds("first_response_at", "received_at"), Q(first_response_at__isnull=False)),
    "handling": (Seconds("resolved_at", "received_at"), Q(resolved_at__isnull=False)),
    "registration": (Seconds("registered_at", "received_at"), None),
}


@dataclass
class Rate:
    hits: int
    total: int
    target: float | None = None

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    @property
    def meets(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target

    def as_dict(self) -> dict:
        return {"hits": self.hits, "total": self.total, "rate": self.value, "target": self.target,
                "meets_target": self.meets}


@dataclass
class Durations:
    """Seconds: how many complaints, their average, median and 90th percentile."""

    count: int = 0
    avg: float | None = None
    p50: float | None = None
    p90: float | None = None

    def as_dict(self) -> dict:
        return {"count": self.count, "avg_seconds": _round(self.avg), "p50_seconds": _round(self.p50),
                "p90_seconds": _round(self.p90)}


@dataclass
class Share:
    key: str
    label: str
    count: int
    share: float

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "count": self.count, "share": self.share}


@dataclass
class Point:
    start: datetime
    count: int


@dataclass
class PriorityFigures:
    priority: str
    label: str
    count: int
    first_response: Durations
    handling: Durations
    on_time_response: Rate
    on_time_resolution: Rate
    satisfaction: Rate
    dimensions: dict[str, Rate]


@dataclass
class Figures:
    query: ReportQuery
    total: int
    previous_total: int
    cancelled: int
    trend: list[Point]
    distributions: dict[str, list[Share]]
    first_response: Durations
    handling: Durations
    registration: Durations
    registered_in_time: Rate
    on_time_response: Rate
    on_time_resolution: Rate
    by_priority: list[PriorityFigures]
    satisfaction: Rate
    dimensions: dict[str, Rate]
    survey_response: Rate
    repeat: Rate
    completeness: Rate
    top_types: list[Share] = field(default_factory=list)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def compute(q: ReportQuery) -> Figures:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # JIT compilation of these many-expression aggregates costs seconds and saves
                # milliseconds; sorts for the percentiles fit in memory instead of spilling to disk.
                cur.execute("SET LOCAL jit = off")
                cur.execute("SET LOCAL work_mem = '32MB'")
        return _compute(q)


def _compute(q: ReportQuery) -> Figures:
    qs = q.complaints()
    if native_percentiles():
        rows, overall_row = _per_priority_native(qs)
        total = sum(r["n"] for r in rows.values())
        overall = overall_row["durations"] if overall_row else {name: Durations() for name in DURATIONS}
    else:
        rows = _per_priority(qs)
        total = sum(r["n"] for r in rows.values())
        overall = _overall_durations(qs, total, rows)
    ratings = _ratings(qs)

    def add(key: str) -> int:
        return sum(r[key] for r in rows.values())

    by_priority = []
    for p in Priority:
        r = rows.get(p.value)
        if r is None:
            continue
        by_priority.append(PriorityFigures(
            priority=p.value, label=str(p.label), count=r["n"],
            first_response=r["durations"]["first_response"], handling=r["durations"]["handling"],
            on_time_response=_clock_rate([r], "response"), on_time_resolution=_clock_rate([r], "resolution"),
            satisfaction=_sat_rate(ratings, [p.value], "ok", SATISFACTION_TARGETS.get(p.value)),
            dimensions={d: _sat_rate(ratings, [p.value], f"ok_{d}", SATISFACTION_TARGETS.get(p.value))
                        for d in DIMENSIONS},
        ))
    every = [p.value for p in Priority]
    group_counts, trend_counts = _group_counts(qs, q)
    distributions = _distributions(group_counts, total, rows)
    return Figures(
        query=q, total=total, previous_total=_previous_total(q), cancelled=add("cancelled"),
        trend=_trend(trend_counts, q), distributions=distributions,
        first_response=overall["first_response"], handling=overall["handling"],
        registration=overall["registration"],
        registered_in_time=Rate(add("registered_in_time"), total),
        on_time_response=_clock_rate(rows.values(), "response"),
        on_time_resolution=_clock_rate(rows.values(), "resolution"),
        by_priority=by_priority,
        satisfaction=_sat_rate(ratings, every, "ok", None),
        dimensions={d: _sat_rate(ratings, every, f"ok_{d}", None) for d in DIMENSIONS},
        survey_response=Rate(add("rated"), add("invited"), SURVEY_RESPONSE_TARGET),
        repeat=Rate(add("repeat"), total),
        completeness=Rate(add("complete"), total, COMPLETENESS_TARGET),
        top_types=[s for s in distributions["problem_type"] if s.key not in ("", "other")][:TOP_TYPES],
    )


def _time_aggregates() -> dict:
    """Counts and averages of the durations (without a percentile aggregate: see _durations)."""
    aggs: dict = {}
    for name, (expr, cond) in DURATIONS.items():
        aggs[f"{name}_n"] = Count("pk", filter=cond)
        aggs[f"{name}_avg"] = Avg(expr, filter=cond)
    return aggs


def _durations(qs: QuerySet[Complaint], row: dict, group: Q | None) -> dict[str, Durations]:
    out = {}
    for name, (expr, cond) in DURATIONS.items():
        d = Durations(count=row[f"{name}_n"], avg=row[f"{name}_avg"])
        for key, fraction in FRACTIONS.items():
            if native_percentiles():
                value = row[f"{name}_{key}"]
            else:
                where = cond if group is None else (group if cond is None else group & cond)
                value = percentile_by_offset(qs, expr, where, d.count, fraction)
            setattr(d, key, value)
        out[name] = d
    return out


def _flags() -> dict:
    """Per-complaint conditions the counts are made of (name → condition)."""
    return {
        "cancelled": Q(status=Status.CANCELLED),
        "repeat": Q(is_repeat=True),
        "complete": COMPLETE,
        "registered_in_time": Q(registered_at__lte=F("received_at") + REGISTRATION_TARGET),
        "invited": Q(survey_invited=True),
        "rated": Q(rated=True),
    }


def _clock_flags() -> dict:
    """clock_outcome → whether the complaint's first cycle of that clock had that outcome."""
    return {f"{prefix}_{outcome}": Q(**{column: value})
            for prefix, column in CLOCKS.items() for outcome, value in (("on_time", True), ("late", False))}


def _per_priority_native(qs: QuerySet[Complaint]) -> tuple[dict[str, dict], dict | None]:
    """PostgreSQL: counts, averages and percentiles per priority and overall, in one scan of the period."""
    flags = _flags()
    inner = qs.annotate(
        **{f"r_{k}": ExpressionWrapper(cond, output_field=BooleanField()) for k, cond in flags.items()},
        **{f"r_{k}": F(column) for k, column in CLOCKS.items()},
        **{f"r_{name}": expr for name, (expr, _cond) in DURATIONS.items()},
    ).values("priority", *[f"r_{k}" for k in (*flags, *CLOCKS, *DURATIONS)])
    aggregates = {"n": "COUNT(*)", **{k: f'COUNT(*) FILTER (WHERE "r_{k}")' for k in flags}}
    for k in CLOCKS:  # NULL (undecided) is neither
        aggregates[f"{k}_on_time"] = f'COUNT(*) FILTER (WHERE "r_{k}")'
        aggregates[f"{k}_late"] = f'COUNT(*) FILTER (WHERE NOT "r_{k}")'
    aggregates["rated"] = 'COUNT(*) FILTER (WHERE "r_invited" AND "r_rated")'  # rated among those invited
    for name in DURATIONS:
        aggregates[f"{name}_n"] = f'COUNT("r_{name}")'
        aggregates[f"{name}_avg"] = f'AVG("r_{name}")'
        for key, fraction in FRACTIONS.items():
            aggregates[f"{name}_{key}"] = f'PERCENTILE_CONT({float(fraction)!r}) WITHIN GROUP (ORDER BY "r_{name}")'
    out, overall = {}, None
    for row in grouping_sets(inner, ["priority"], aggregates, grand_total=True):
        row["durations"] = _durations(qs, row, None)
        if row["g_priority"]:
            overall = row
        else:
            out[row["priority"]] = row
    return dict(sorted(out.items())), overall


def _per_priority(qs: QuerySet[Complaint]) -> dict[str, dict]:
    """Without GROUPING SETS and percentile_cont (SQLite): one grouped query, then the percentiles by offset."""
    flags = _flags()
    rows = (qs.values("priority").order_by("priority").annotate(
        n=Count("pk"),
        **{k: Count("pk", filter=cond) for k, cond in (flags | _clock_flags()).items() if k != "rated"},
        rated=Count("pk", filter=flags["invited"] & flags["rated"]),  # rated among those invited
        **_time_aggregates(),
    ))
    out = {}
    for row in rows:
        row["durations"] = _durations(qs, row, Q(priority=row["priority"]))
        out[row["priority"]] = row
    return out


def _overall_durations(qs: QuerySet[Complaint], total: int, rows: dict[str, dict]) -> dict[str, Durations]:
    if len(rows) == 1:  # one priority (e.g. filtered by it): its figures are the overall ones
        return next(iter(rows.values()))["durations"]
    if total == 0:
        return {name: Durations() for name in DURATIONS}
    row = qs.aggregate(**_time_aggregates())
    return _durations(qs, row, None)


def _clock_rate(rows, prefix: str) -> Rate:
    on_time = sum(r[f"{prefix}_on_time"] for r in rows)
    return Rate(on_time, on_time + sum(r[f"{prefix}_late"] for r in rows))


def _ratings(qs: QuerySet[Complaint]) -> dict[str, dict]:
    """Every rating of the period's complaints, per priority: from the rated complaints, in one scan."""
    total = sum((F(f"satisfactions__{d}") for d in DIMENSIONS), start=Value(0))
    rows = (qs.filter(rated=True).values("priority").order_by()
            .annotate(n=Count("satisfactions"),
                      ok=Count("satisfactions", filter=GreaterThanOrEqual(total, SATISFIED_SCORE * len(DIMENSIONS))),
                      **{f"ok_{d}": Count("satisfactions", filter=Q(**{f"satisfactions__{d}__gte": SATISFIED_SCORE}))
                         for d in DIMENSIONS}))
    return {r["priority"]: r for r in rows}


def _sat_rate(ratings: dict[str, dict], priorities: list[str], key: str, target: float | None) -> Rate:
    hits = sum(ratings[p][key] for p in priorities if p in ratings)
    total = sum(ratings[p]["n"] for p in priorities if p in ratings)
    return Rate(hits, total, target)


def _previous_total(q: ReportQuery) -> int:
    """Complaints in the period of the same length just before, with the same filters."""
    return replace(q, start=q.start - (q.end - q.start), end=q.start).complaints().count()


def _trend(counts: dict, q: ReportQuery) -> list[Point]:
    tz = timezone.get_current_timezone()
    # Every bucket of the period, empty ones too, so the chart's time axis is even.
    points, at = [], _bucket_start(timezone.localtime(q.start, tz), q.bucket)
    end = timezone.localtime(q.end, tz)
    while at < end:
        points.append(Point(at, counts.get(at, 0)))
        at = _next_bucket(at, q.bucket)
    return points


def _bucket_start(at: datetime, bucket: str) -> datetime:
    at = at.replace(minute=0, second=0, microsecond=0)
    if bucket == "hour":
        return at
    at = at.replace(hour=0)
    if bucket == "week":
        return at - timedelta(days=at.weekday())
    if bucket == "month":
        return at.replace(day=1)
    return at


def _next_bucket(at: datetime, bucket: str) -> datetime:
    tz = at.tzinfo
    naive = at.replace(tzinfo=None)
    if bucket == "hour":
        return timezone.localtime(at + timedelta(hours=1), tz)
    if bucket == "day":
        naive += timedelta(days=1)
    elif bucket == "week":
        naive += timedelta(days=7)
    else:
        naive = (naive.replace(day=1) + timedelta(days=32)).replace(day=1)
    return timezone.make_aware(naive, tz)


# --- distributions --------------------------------------------------------------------------------

DISTRIBUTIONS = {
    "channel": ("channel", _("Channel")),
    "problem_type": ("problem_type_id", _("Problem type")),
    "priority": ("priority", _("Priority")),
    "region": ("region", _("Region")),
    "product": ("product", _("Product")),
    "department": ("department_id", _("Department")),
    "owner": ("owner_id", _("Handler")),
}


def _group_counts(qs: QuerySet[Complaint], q: ReportQuery) -> tuple[dict[str, list[tuple]], dict]:
    """Counts per value of each distribution's column and per trend bucket.

    PostgreSQL: one scan with GROUPING SETS; elsewhere one grouped query per column (largest first).
    """
    columns = {name: column for name, (column, _l) in DISTRIBUTIONS.items() if name != "priority"}
    tz = timezone.get_current_timezone()
    bucket = Trunc("received_at", q.bucket, tzinfo=tz)
    if not native_percentiles():
        counts = {name: list(qs.values_list(column).order_by().annotate(n=Count("pk")).order_by("-n", column)
                             .values_list(column, "n")[:MAX_GROUPS]) for name, column in columns.items()}
        trend = {timezone.localtime(b, tz): n for b, n in qs.annotate(_b=bucket).values_list("_b").order_by("_b")
                 .annotate(n=Count("pk")).values_list("_b", "n")}
        return counts, trend
    inner = qs.annotate(r_bucket=bucket).values(*columns.values(), "r_bucket")
    counts: dict[str, list[tuple]] = {name: [] for name in columns}
    trend = {}
    keys = [*columns.values(), "r_bucket"]
    for row in grouping_sets(inner, keys, {"n": "COUNT(*)"}):
        active = next(k for k in keys if not row[f"g_{k}"])
        if active == "r_bucket":
            # The subquery's truncated time is the local wall clock, without a zone.
            trend[timezone.make_aware(row["r_bucket"], tz)] = row["n"]
        else:
            counts[next(n for n, c in columns.items() if c == active)].append((row[active], row["n"]))
    for name in counts:
        counts[name] = sorted(counts[name], key=lambda kn: (-kn[1], "" if kn[0] is None else str(kn[0])))[:MAX_GROUPS]
    return counts, trend


def _distributions(counts_by_name: dict[str, list[tuple]], total: int, rows: dict[str, dict]) -> dict[str, list[Share]]:
    out = {}
    for name in DISTRIBUTIONS:
        counts = [(p, rows[p]["n"]) for p in sorted(rows)] if name == "priority" else counts_by_name[name]
        labels = _labels(name, [k for k, _n in counts])
        shares = [Share("" if k is None else str(k), labels.get(k, str(k)), n, n / total if total else 0.0)
                  for k, n in counts]
        rest = total - sum(n for _k, n in counts)
        if rest > 0:
            shares.append(Share("other", str(_("Other")), rest, rest / total))
        out[name] = shares
    return out


def _labels(name: str, keys: list) -> dict:
    english = (get_language() or "").startswith("en")
    none = {None: str(_("Not given")), "": str(_("Not given"))}
    if name == "channel":
        return {**none, **{c.value: str(c.label) for c in Channel}}
    if name == "priority":
        return {**none, **{p.value: str(p.label) for p in Priority}}
    if name == "problem_type":
        return {None: str(_("Not classified")),
                **{p.pk: p.display_name for p in problem_types_by_code().values() if p.pk in keys}}
    if name == "department":
        return {None: str(_("No department")), **{d.pk: d.name_en if english else d.name_zh
                                                  for d in Department.objects.filter(pk__in=keys)}}
    if name == "owner":
        return {None: str(_("Unassigned")), **{u.pk: u.label for u in User.objects.filter(pk__in=keys)}}
    return none
