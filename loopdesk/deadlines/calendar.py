"""Business calendar: working-time arithmetic over working hours, Chinese holidays and 调休 (SPEC §3).

A day's status comes from the first of these that has something to say about it:

1. an organisation ``CalendarDay`` (source "org");
2. an official ``CalendarDay`` (source "official", an announced schedule entered by an admin);
3. the ``chinesecalendar`` library (statutory holidays and make-up working days);
4. the rule: weekly working hours plus the fixed-date statutory holidays in ``FIXED_HOLIDAYS``.

A holiday has no working time. A working day entered for a Saturday or Sunday (调休) stands in
for a weekday, so it gets the standard day's hours (the first weekday that has periods, Monday
by default) even if the organisation works shorter weekend hours. Any other day uses its
weekday's hours.

A date is *confirmed* when its status is known rather than assumed: it has a CalendarDay, or its
year is known to the library, or at least one official CalendarDay exists for its year.

All arithmetic is done in UTC on instants built from local wall-clock periods, so it stays right
in a TIME_ZONE with daylight-saving time; results are returned in settings.TIME_ZONE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache

import chinese_calendar
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

__all__ = [
    "FIXED_HOLIDAYS",
    "BusinessCalendar",
    "CalendarConfigError",
    "DayEntry",
    "DayInfo",
    "add_working_days",
    "add_working_time",
    "day_info",
    "get_calendar",
    "is_working_time",
    "library_knows_year",
    "next_working_instant",
    "unconfirmed_days",
    "working_time_between",
]

HOLIDAY = "holiday"
WORKDAY = "workday"
SOURCE_ORG = "org"
SOURCE_OFFICIAL = "official"
SOURCE_LIBRARY = "library"
SOURCE_RULE = "rule"

# Statutory holidays whose date never moves; used only for years the library does not know.
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

# No working time for this many consecutive days means the configuration is broken, not a long holiday.
MAX_IDLE_DAYS = 400

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)

Segment = tuple[datetime, datetime]  # UTC start (inclusive), UTC end (exclusive)


class CalendarConfigError(ImproperlyConfigured):
    """The calendar cannot produce working time (no periods, bad periods, or no working day in reach)."""


@dataclass(frozen=True)
class DayEntry:
    """In-memory form of a CalendarDay, so a calendar can be built without the database."""

    date: date
    kind: str  # "holiday" | "workday"
    name: str = ""
    source: str = SOURCE_ORG  # "org" | "official"


@dataclass(frozen=True)
class DayInfo:
    date: date
    kind: str | None  # "holiday", "workday", or None for an ordinary day that follows the weekly hours
    name: str
    source: str  # "org" | "official" | "library" | "rule"
    confirmed: bool


# --- chinesecalendar wrapper: never lets an unknown year escape as an exception ---------------


@cache
def library_knows_year(year: int) -> bool:
    """Whether chinesecalendar has the announced schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _library_name(value: object) -> str:
    try:
        return chinese_calendar.Holiday(value).chinese
    except ValueError:
        return str(value)


def _library_day(day: date) -> tuple[str | None, str] | None:
    """(kind, name) from the library, or None when it has no data for the year."""
    if not library_knows_year(day.year):
        return None
    if day in chinese_calendar.holidays:
        return HOLIDAY, _library_name(chinese_calendar.holidays[day])
    if day in chinese_calendar.workdays:
        return WORKDAY, _library_name(chinese_calendar.workdays[day])
    return None, ""


# --- the calendar -------------------------------------------------------------------------------


def _merge(periods: list[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    # Overlaps are refused by model validation; merging keeps arithmetic right if one slips through.
    merged: list[tuple[time, time]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class BusinessCalendar:
    """Working-time arithmetic on one snapshot of the calendar configuration.

    Build it with :meth:`from_db` (one query for the periods, one for the CalendarDays of the
    preloaded years; a year reached later is loaded on first use) or directly from in-memory data.
    Day statuses and working segments are cached on the instance, so reuse one instance for many
    computations and build a new one to see configuration changes.
    """

    def __init__(
        self,
        periods: Iterable[tuple[int, time, time]],
        days: Iterable[DayEntry] = (),
        *,
        tz: tzinfo | None = None,
        loader: Callable[[int, int], Iterable[DayEntry]] | None = None,
    ) -> None:
        by_weekday: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for weekday, start, end in periods:
            if not 0 <= weekday <= 6:
                raise CalendarConfigError(f"Invalid weekday {weekday!r} in a working period.")
            if end <= start:
                raise CalendarConfigError(f"Working period {start}–{end} on weekday {weekday} ends before it starts.")
            by_weekday[weekday].append((start, end))
        self._weekly = tuple(_merge(p) for p in by_weekday)
        # Make-up working days on a weekend borrow the first weekday's hours.
        self._standard = next((p for p in self._weekly if p), ())
        self.tz = tz or timezone.get_default_timezone()
        self._loader = loader
        self._entries: dict[date, DayEntry] = {}
        self._official_years: set[int] = set()
        self._loaded_years: set[int] = set()
        self._info_cache: dict[date, DayInfo] = {}
        self._segment_cache: dict[date, tuple[Segment, ...]] = {}
        self._add_entries(days)

    @classmethod
    def from_db(cls, start: date | None = None, end: date | None = None) -> BusinessCalendar:
        """Calendar from WorkingPeriod and CalendarDay rows, with the years of start..end preloaded."""
        from loopdesk.deadlines.models import WorkingPeriod

        periods = list(WorkingPeriod.objects.values_list("weekday", "start", "end"))
        calendar = cls(periods, loader=_load_days_from_db)
        if start is not None:
            calendar.preload(start, end or start)
        return calendar

    # --- day status ---

    def _add_entries(self, entries: Iterable[DayEntry]) -> None:
        for entry in entries:
            current = self._entries.get(entry.date)
            # Organisation days win over official ones if both are given for a date.
            if current is None or current.source != SOURCE_ORG:
                self._entries[entry.date] = entry
            if entry.source == SOURCE_OFFICIAL:
                self._official_years.add(entry.date.year)

    def preload(self, start: date, end: date) -> None:
        """Load the CalendarDays of every year from start to end in one query."""
        if self._loader is None:
            return
        missing = [y for y in range(min(start, end).year, max(start, end).year + 1) if y not in self._loaded_years]
        if not missing:
            return
        wanted = set(missing)
        self._add_entries(e for e in self._loader(missing[0], missing[-1]) if e.date.year in wanted)
        self._loaded_years |= wanted

    def _ensure_year(self, year: int) -> None:
        if self._loader is not None and year not in self._loaded_years:
            self.preload(date(year, 1, 1), date(year, 1, 1))

    def day_info(self, day: date) -> DayInfo:
        """Status of a date: kind, name, where it comes from and whether it is confirmed."""
        cached = self._info_cache.get(day)
        if cached is not None:
            return cached
        self._ensure_year(day.year)
        entry = self._entries.get(day)
        if entry is not None:
            info = DayInfo(day, entry.kind, entry.name, entry.source, True)
        elif (library := _library_day(day)) is not None:
            info = DayInfo(day, library[0], library[1], SOURCE_LIBRARY, True)
        else:
            name = FIXED_HOLIDAYS.get((day.month, day.day), "")
            info = DayInfo(day, HOLIDAY if name else None, name, SOURCE_RULE, day.year in self._official_years)
        self._info_cache[day] = info
        return info

    def is_confirmed(self, day: date) -> bool:
        return self.day_info(day).confirmed

    def unconfirmed_days(self, start: date, days: int = 60) -> list[date]:
        """Dates from start (included) over the next ``days`` days whose status is only assumed."""
        self.preload(start, start + timedelta(days=max(days - 1, 0)))
        candidates = (start + timedelta(days=i) for i in range(days))
        return [d for d in candidates if not self.day_info(d).confirmed]

    # --- working segments ---

    def _segments(self, day: date) -> tuple[Segment, ...]:
        cached = self._segment_cache.get(day)
        if cached is not None:
            return cached
        info = self.day_info(day)
        if info.kind == HOLIDAY:
            periods: tuple[tuple[time, time], ...] = ()
        else:
            periods = self._weekly[day.weekday()]
            if info.kind == WORKDAY and (day.weekday() >= 5 or not periods):
                periods = self._standard
        segments = []
        for start, end in periods:
            seg_start = datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC)
            seg_end = datetime.combine(day, end, tzinfo=self.tz).astimezone(UTC)
            if seg_end > seg_start:  # a period swallowed by a DST gap has no length
                segments.append((seg_start, seg_end))
        result = tuple(segments)
        self._segment_cache[day] = result
        return result

    def is_working_day(self, day: date) -> bool:
        return bool(self._segments(day))

    def working_time_on(self, day: date) -> timedelta:
        return sum((end - start for start, end in self._segments(day)), ZERO)

    def _require_periods(self) -> None:
        if not self._standard:
            raise CalendarConfigError("No working periods are configured; working time cannot be computed.")

    def _next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for _ in range(MAX_IDLE_DAYS):
            day += ONE_DAY
            if self._segments(day):
                return day
        raise CalendarConfigError(f"No working day within {MAX_IDLE_DAYS} days after {day:%Y-%m-%d}.")

    def _segments_from(self, instant: datetime) -> Iterator[Segment]:
        """Working segments from a UTC instant onwards, the first one clipped to start there."""
        self._require_periods()
        day = instant.astimezone(self.tz).date()
        while True:
            for start, end in self._segments(day):
                if end > instant:
                    yield max(start, instant), end
            day = self._next_working_day(day)

    # --- instants ---

    @staticmethod
    def _utc(value: datetime) -> datetime:
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise ValueError("A timezone-aware datetime is required.")
        return value.astimezone(UTC)

    def _local(self, value: datetime) -> datetime:
        return value.astimezone(self.tz)

    def is_working_time(self, dt: datetime) -> bool:
        """Whether dt falls inside a working period (start included, end excluded)."""
        instant = self._utc(dt)
        return any(start <= instant < end for start, end in self._segments(instant.astimezone(self.tz).date()))

    def next_working_instant(self, dt: datetime) -> datetime:
        """dt itself if it is working time, else the start of the next working period."""
        instant = self._utc(dt)
        return self._local(next(self._segments_from(instant))[0])

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The instant at which ``delta`` of working time has elapsed since ``start``.

        Time outside working periods does not count. When the time runs out exactly at the end of
        a period the result is that end (e.g. 12:00 or 18:00), not the next period's start.
        A zero delta returns start unchanged. Negative deltas are refused.
        """
        instant = self._utc(start)
        if delta < ZERO:
            raise ValueError("delta must not be negative.")
        if delta == ZERO:
            return self._local(instant)
        remaining = delta
        for seg_start, seg_end in self._segments_from(instant):
            length = seg_end - seg_start
            if remaining <= length:
                return self._local(seg_start + remaining)
            remaining -= length
        raise AssertionError("unreachable: _segments_from never ends")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same position within the working day, ``days`` working days later ("3 个工作日").

        The position of ``start`` is the working time already elapsed on its day. The result is
        the instant at which that much working time has elapsed on the N-th working day after it
        (capped at that day's total, if days differ in length). An instant with no working time
        before it on its day (early morning, a weekend, a holiday) counts as the end of the
        previous working day, so a complaint received Saturday or Monday 08:00 with 3 working
        days is due Wednesday at closing time.

        Where all working days have the same length L this equals ``add_working_time(start, days * L)``.
        A working day is a date with at least one working period after holidays and 调休.
        """
        instant = self._utc(start)
        if days < 0:
            raise ValueError("days must not be negative.")
        if days == 0:
            return self._local(instant)
        self._require_periods()
        day = instant.astimezone(self.tz).date()
        elapsed = sum((max(ZERO, min(end, instant) - seg_start) for seg_start, end in self._segments(day)), ZERO)
        offset: timedelta | None
        if elapsed > ZERO:
            target, steps, offset = day, days, elapsed
        else:
            # "End of the previous working day" + N days is the end of the (N-1)-th day after the next one.
            target = day if self._segments(day) else self._next_working_day(day)
            steps, offset = days - 1, None
        for _ in range(steps):
            target = self._next_working_day(target)
        day_total = self.working_time_on(target)
        remaining = day_total if offset is None else min(offset, day_total)
        for seg_start, seg_end in self._segments(target):
            if remaining <= seg_end - seg_start:
                return self._local(seg_start + remaining)
            remaining -= seg_end - seg_start
        raise AssertionError("unreachable: offset is within the day")  # pragma: no cover

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time elapsed from a to b; zero if b is not after a."""
        start, end = self._utc(a), self._utc(b)
        if end <= start:
            return ZERO
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        self.preload(day, last)
        total = ZERO
        while day <= last:
            for seg_start, seg_end in self._segments(day):
                lo, hi = max(seg_start, start), min(seg_end, end)
                if hi > lo:
                    total += hi - lo
            day += ONE_DAY
        return total


def _load_days_from_db(first_year: int, last_year: int) -> list[DayEntry]:
    from loopdesk.deadlines.models import CalendarDay

    rows = CalendarDay.objects.filter(date__range=(date(first_year, 1, 1), date(last_year, 12, 31)))
    return [DayEntry(d, kind, name, source) for d, kind, name, source in rows.values_list(
        "date", "kind", "name", "source")]


# --- module-level conveniences: each builds a fresh calendar from the database -------------------

# Preloading a month past the start covers usual SLAs (even across Spring Festival) in one query.
_PRELOAD = timedelta(days=31)


def _local_date(dt: datetime) -> date:
    if not isinstance(dt, datetime) or timezone.is_naive(dt):
        raise ValueError("A timezone-aware datetime is required.")
    return timezone.localtime(dt).date()


def get_calendar(start: date | None = None, end: date | None = None) -> BusinessCalendar:
    return BusinessCalendar.from_db(start, end)


def add_working_time(start: datetime, delta: timedelta) -> datetime:
    """start + delta of working time; see BusinessCalendar.add_working_time."""
    first = _local_date(start)
    return get_calendar(first, first + _PRELOAD).add_working_time(start, delta)


def add_working_days(start: datetime, days: int) -> datetime:
    """start + N working days; see BusinessCalendar.add_working_days for the exact definition."""
    first = _local_date(start)
    return get_calendar(first, first + _PRELOAD + timedelta(days=2 * max(days, 0))).add_working_days(start, days)


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Working time elapsed from a to b; zero if b is not after a."""
    return get_calendar(_local_date(a), _local_date(b)).working_time_between(a, b)


def is_working_time(dt: datetime) -> bool:
    return get_calendar(_local_date(dt)).is_working_time(dt)


def next_working_instant(dt: datetime) -> datetime:
    first = _local_date(dt)
    return get_calendar(first, first + _PRELOAD).next_working_instant(dt)


def day_info(day: date) -> DayInfo:
    return get_calendar(day).day_info(day)


def unconfirmed_days(start: date, days: int = 60) -> list[date]:
    """Dates from start (included) over the next ``days`` days whose holiday status is only assumed.

    Such a date is in a year the library does not know and for which no official CalendarDay
    exists, and has no CalendarDay of its own. Admins and monitors should be warned about them.
    """
    return get_calendar(start, start + timedelta(days=max(days - 1, 0))).unconfirmed_days(start, days)
