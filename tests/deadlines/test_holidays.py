"""Chinese statutory holidays, 调休 and the fallback for years the library does not know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from loopdesk.deadlines import calendar as cal_module
from loopdesk.deadlines.calendar import BusinessCalendar, library_knows_year, unconfirmed_days
from loopdesk.deadlines.models import CalendarDay
from tests.deadlines.conftest import at

H = timedelta(hours=1)


def test_the_library_knows_2026_but_not_2027():
    assert library_knows_year(2026)
    assert not library_knows_year(2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before the holiday
        (date(2026, 2, 14), True),  # Saturday 调休
        (date(2026, 2, 15), False),
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), False),  # Monday, last holiday day
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday 调休
        (date(2026, 3, 1), False),  # ordinary Sunday
        (date(2026, 9, 20), True),  # Sunday 调休 before National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 5), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday 调休
        (date(2026, 10, 11), False),
    ],
)
def test_it_follows_the_2026_spring_festival_and_national_day_schedule(calendar, day, working):
    assert calendar.is_working_day(day) is working
    assert calendar.day_info(day).confirmed


def test_a_make_up_saturday_has_the_standard_working_hours(calendar):
    assert calendar.working_time_on(date(2026, 2, 14)) == timedelta(hours=7, minutes=30)
    assert calendar.is_working_time(at(2026, 2, 14, 10))
    assert not calendar.is_working_time(at(2026, 2, 14, 12, 30))
    info = calendar.day_info(date(2026, 2, 14))
    assert (info.kind, info.name, info.source) == ("workday", "春节", "library")


@pytest.mark.parametrize(
    ("start", "delta", "due"),
    [
        # Friday 17:00 + 4 h: 1 h Friday, then Saturday 14 Feb is a 调休 working day.
        (at(2026, 2, 13, 17), 4 * H, at(2026, 2, 14, 12)),
        # Saturday 14 Feb 17:00 + 4 h: nine days off, resumes Tuesday 24 Feb.
        (at(2026, 2, 14, 17), 4 * H, at(2026, 2, 24, 12)),
        # Received during the holiday: the clock starts on the first day back.
        (at(2026, 2, 18, 10), 1 * H, at(2026, 2, 24, 10)),
        # Friday 27 Feb 17:00 + 2 h lands on the 调休 Saturday 28 Feb.
        (at(2026, 2, 27, 17), 2 * H, at(2026, 2, 28, 10)),
        # Wednesday 30 Sep 16:00 + 4 h skips 1–7 Oct to Thursday 8 Oct.
        (at(2026, 9, 30, 16), 4 * H, at(2026, 10, 8, 11)),
        # Friday 18 Sep 17:00 + 2 h lands on the 调休 Sunday 20 Sep.
        (at(2026, 9, 18, 17), 2 * H, at(2026, 9, 20, 10)),
    ],
)
def test_it_skips_spring_festival_and_national_day(calendar, start, delta, due):
    assert calendar.add_working_time(start, delta) == due


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (at(2026, 2, 12, 10), 3, at(2026, 2, 24, 10)),  # Thu → Fri, Sat 调休, Tue after the holiday
        (at(2026, 9, 29, 15), 3, at(2026, 10, 9, 15)),  # Tue → Wed, Thu 8 Oct, Fri 9 Oct
        (at(2026, 10, 1, 9), 1, at(2026, 10, 8, 18)),  # received on the holiday: the first day back counts
        (at(2026, 10, 8, 10), 2, at(2026, 10, 10, 10)),  # Thu → Fri, Sat 10 Oct 调休
    ],
)
def test_it_counts_working_days_across_holidays(calendar, start, days, due):
    assert calendar.add_working_days(start, days) == due


def test_working_time_between_ignores_the_spring_festival(calendar):
    assert calendar.working_time_between(at(2026, 2, 13, 17), at(2026, 2, 24, 10)) == 1 * H + 7.5 * H + 1 * H


def test_a_2027_date_does_not_crash_and_uses_the_fallback(calendar):
    new_year = calendar.day_info(date(2027, 1, 1))
    assert (new_year.kind, new_year.source, new_year.confirmed) == ("holiday", "rule", False)
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert not calendar.is_working_day(date(2027, 1, 2))  # Saturday
    assert not calendar.is_working_day(date(2027, 10, 3))
    # Without the announcement, Spring Festival 2027 (from 6 Feb) is assumed to be working days.
    assert calendar.is_working_day(date(2027, 2, 8))
    assert not calendar.day_info(date(2027, 2, 8)).confirmed
    assert calendar.add_working_time(at(2026, 12, 31, 17), 2 * H) == at(2027, 1, 4, 10)


@pytest.mark.django_db
def test_days_in_an_unknown_year_are_reported_unconfirmed():
    missing = unconfirmed_days(date(2026, 12, 1), 60)
    assert missing[0] == date(2027, 1, 1)
    assert missing[-1] == date(2027, 1, 29)
    assert len(missing) == 29
    assert unconfirmed_days(date(2026, 2, 1)) == []


SCHEDULE_2027 = """date,kind,name
# made-up test data in the shape of a State Council notice
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节
"""


@pytest.mark.django_db
def test_an_imported_official_schedule_confirms_and_drives_2027(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("import_holidays", str(path))

    assert CalendarDay.objects.filter(source="official").count() == 10
    assert unconfirmed_days(date(2026, 12, 1), 120) == []
    calendar = BusinessCalendar.from_db(date(2027, 1, 1))
    assert calendar.day_info(date(2027, 3, 15)).confirmed  # not listed, but the year is announced
    assert not calendar.is_working_day(date(2027, 2, 8))
    assert calendar.is_working_day(date(2027, 2, 20))  # Saturday 调休
    assert cal_module.add_working_time(at(2027, 2, 4, 17), 2 * H) == at(2027, 2, 15, 10)
    assert cal_module.add_working_days(at(2027, 2, 19, 10), 1) == at(2027, 2, 20, 10)


@pytest.mark.django_db
def test_an_official_entry_overrides_the_library():
    CalendarDay.objects.create(date=date(2026, 3, 9), kind="holiday", name="补充通知", source="official")
    info = cal_module.day_info(date(2026, 3, 9))
    assert (info.kind, info.source, info.confirmed) == ("holiday", "official", True)
    assert cal_module.add_working_time(at(2026, 3, 6, 17), 2 * H) == at(2026, 3, 10, 10)
