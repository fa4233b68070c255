"""Algebraic laws of working-time arithmetic, checked on the default database calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.deadlines.conftest import SH

# The calendar fixture is read-only, so sharing it across examples is safe.
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Starts span 2026 (library data: Spring Festival, National Day) and stay clear of the preload edge.
starts = st.datetimes(min_value=datetime(2025, 12, 20), max_value=datetime(2026, 12, 31), timezones=st.just(SH))
deltas = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
positive = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=120))
DAY = timedelta(hours=7, minutes=30)


def _inside_a_period(calendar, result: datetime) -> bool:
    # Results may land exactly on a period's end (18:00), which is_working_time treats as closed.
    return calendar.is_working_time(result) or calendar.is_working_time(result - timedelta(microseconds=1))


@PROPERTY
@given(start=starts, d1=deltas, d2=deltas)
def test_adding_more_time_never_gives_an_earlier_deadline(calendar, start, d1, d2):
    d1, d2 = sorted((d1, d2))
    assert calendar.add_working_time(start, d1) <= calendar.add_working_time(start, d2)


@PROPERTY
@given(start=starts, a=deltas, b=deltas)
def test_adding_in_two_steps_equals_adding_the_sum(calendar, start, a, b):
    assert calendar.add_working_time(calendar.add_working_time(start, a), b) == calendar.add_working_time(start, a + b)


@PROPERTY
@given(start=starts, delta=positive)
def test_a_deadline_always_falls_within_working_hours(calendar, start, delta):
    result = calendar.add_working_time(start, delta)
    assert result > start
    assert _inside_a_period(calendar, result)
    assert result.tzinfo is not None and result.utcoffset() == timedelta(hours=8)


@PROPERTY
@given(start=starts, delta=deltas)
def test_working_time_between_start_and_deadline_is_the_delta(calendar, start, delta):
    assert calendar.working_time_between(start, calendar.add_working_time(start, delta)) == delta


@PROPERTY
@given(start=starts, days=st.integers(min_value=1, max_value=15))
def test_working_days_equal_whole_days_of_working_time(calendar, start, days):
    assert calendar.add_working_days(start, days) == calendar.add_working_time(start, days * DAY)


@PROPERTY
@given(a=starts, b=starts)
def test_working_time_between_is_never_negative_and_splits_at_any_point(calendar, a, b):
    a, b = sorted((a, b))
    middle = a + (b - a) / 2
    assert calendar.working_time_between(b, a) == timedelta(0)
    assert calendar.working_time_between(a, b) == (
        calendar.working_time_between(a, middle) + calendar.working_time_between(middle, b)
    )


def test_arithmetic_on_a_loaded_calendar_makes_no_queries(calendar, django_assert_num_queries):
    start = datetime(2026, 2, 13, 17, 0, tzinfo=SH)
    with django_assert_num_queries(0):
        calendar.add_working_days(start, 3)
        calendar.add_working_time(start, timedelta(hours=40))
        calendar.working_time_between(start, datetime(2026, 10, 12, tzinfo=SH))
