"""Working hours, organisation days, bad configuration and the working-day definition."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from loopdesk.deadlines import calendar as cal_module
from loopdesk.deadlines.calendar import BusinessCalendar, CalendarConfigError, DayEntry
from loopdesk.deadlines.models import CalendarDay, WorkingPeriod
from tests.deadlines.conftest import SH, at

H = timedelta(hours=1)


@pytest.mark.django_db
def test_migrate_creates_the_default_working_week():
    rows = list(WorkingPeriod.objects.values_list("weekday", "start", "end"))
    expected = [(d, s, e) for d in range(5) for s, e in [(time(9), time(12)), (time(13, 30), time(18))]]
    assert rows == expected


@pytest.mark.parametrize(
    ("start", "delta", "due"),
    [
        (at(2026, 3, 2, 11), 2 * H, at(2026, 3, 2, 14, 30)),  # lunch break does not count
        (at(2026, 3, 2, 11), 1 * H, at(2026, 3, 2, 12)),  # ends exactly at the lunch break
        (at(2026, 3, 2, 12, 30), 30 * timedelta(minutes=1), at(2026, 3, 2, 14)),  # received at lunch
        (at(2026, 3, 6, 17), 4 * H, at(2026, 3, 9, 12)),  # Friday evening to Monday
        (at(2026, 3, 2, 19), 1 * H, at(2026, 3, 3, 10)),  # after hours
        (at(2026, 3, 2, 11), timedelta(0), at(2026, 3, 2, 11)),
    ],
)
def test_it_adds_working_hours_on_ordinary_days(calendar, start, delta, due):
    assert calendar.add_working_time(start, delta) == due


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 5, 10)),  # Monday 10:00 → Thursday 10:00
        (at(2026, 3, 2, 8), at(2026, 3, 4, 18)),  # before opening: Mon, Tue, Wed in full
        (at(2026, 3, 2, 19), at(2026, 3, 5, 18)),  # after closing: Tue, Wed, Thu in full
        (at(2026, 3, 7, 10), at(2026, 3, 11, 18)),  # Saturday: Mon, Tue, Wed in full
        (at(2026, 3, 4, 12, 45), at(2026, 3, 9, 12)),  # lunch counts as the end of the morning
    ],
)
def test_three_working_days_keep_the_position_within_the_day(calendar, start, due):
    assert calendar.add_working_days(start, 3) == due


def test_it_answers_whether_an_instant_is_working_time(calendar):
    assert calendar.is_working_time(at(2026, 3, 2, 9))
    assert not calendar.is_working_time(at(2026, 3, 2, 12))
    assert not calendar.is_working_time(at(2026, 3, 2, 18))
    assert calendar.next_working_instant(at(2026, 3, 2, 12)) == at(2026, 3, 2, 13, 30)
    assert calendar.next_working_instant(at(2026, 3, 6, 18)) == at(2026, 3, 9, 9)
    assert calendar.next_working_instant(at(2026, 3, 2, 10)) == at(2026, 3, 2, 10)


def test_it_accepts_other_time_zones_and_answers_in_shanghai_time(calendar):
    london = datetime(2026, 3, 2, 3, 0, tzinfo=ZoneInfo("Europe/London"))  # 11:00 in Shanghai
    due = calendar.add_working_time(london, 2 * H)
    assert due == at(2026, 3, 2, 14, 30)
    assert due.tzinfo == SH


def test_it_refuses_naive_datetimes_and_negative_amounts(calendar):
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_time(datetime(2026, 3, 2, 10), H)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_time(at(2026, 3, 2, 10), -H)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(at(2026, 3, 2, 10), -1)


def test_working_time_between_is_zero_when_the_end_is_not_later(calendar):
    assert calendar.working_time_between(at(2026, 3, 3), at(2026, 3, 2)) == timedelta(0)
    assert calendar.working_time_between(at(2026, 3, 2), at(2026, 3, 7)) == 5 * 7.5 * H


@pytest.mark.django_db
def test_organisation_days_override_the_library():
    CalendarDay.objects.create(date=date(2026, 3, 10), kind="holiday", name="司庆日")
    CalendarDay.objects.create(date=date(2026, 2, 16), kind="workday", name="值班")  # Spring Festival
    CalendarDay.objects.create(date=date(2026, 3, 8), kind="workday", name="盘点")  # Sunday
    calendar = BusinessCalendar.from_db(date(2026, 1, 1))
    assert not calendar.is_working_day(date(2026, 3, 10))
    assert calendar.day_info(date(2026, 3, 10)).source == "org"
    assert calendar.working_time_on(date(2026, 2, 16)) == 7.5 * H
    assert calendar.working_time_on(date(2026, 3, 8)) == 7.5 * H
    assert calendar.add_working_time(at(2026, 3, 9, 17), 2 * H) == at(2026, 3, 11, 10)


@pytest.mark.django_db
def test_a_changed_working_week_is_honoured():
    WorkingPeriod.objects.create(weekday=5, start=time(9), end=time(12))  # Saturday mornings
    calendar = BusinessCalendar.from_db(date(2026, 1, 1))
    assert calendar.add_working_time(at(2026, 3, 6, 17), 2 * H) == at(2026, 3, 7, 10)
    # A 调休 Saturday stands in for a weekday: the full standard day, not the Saturday half day.
    assert calendar.working_time_on(date(2026, 2, 14)) == 7.5 * H


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (time(11), time(14), "start"),  # overlaps both default periods on Monday
        (time(8), time(9, 30), "start"),
        (time(10), time(10), "end"),
        (time(19), time(18), "end"),
    ],
)
def test_bad_working_periods_are_refused(start, end, field):
    period = WorkingPeriod(weekday=0, start=start, end=end)
    with pytest.raises(ValidationError) as caught:
        period.full_clean()
    assert field in caught.value.message_dict


@pytest.mark.django_db
def test_adjacent_periods_and_edits_of_the_same_period_are_accepted():
    WorkingPeriod(weekday=0, start=time(12), end=time(13, 30)).full_clean()
    morning = WorkingPeriod.objects.get(weekday=0, start=time(9))
    morning.end = time(12, 30)
    morning.full_clean()  # it does not clash with itself
    morning.end = time(14)
    with pytest.raises(ValidationError, match="Overlaps 13:30"):
        morning.full_clean()


def test_in_memory_calendars_refuse_inverted_periods():
    with pytest.raises(CalendarConfigError):
        BusinessCalendar([(0, time(18), time(9))])


def test_a_calendar_without_working_periods_raises_a_clear_error():
    calendar = BusinessCalendar([], tz=SH)
    with pytest.raises(CalendarConfigError, match="No working periods"):
        calendar.add_working_time(at(2026, 3, 2, 10), H)
    with pytest.raises(CalendarConfigError, match="No working periods"):
        calendar.add_working_days(at(2026, 3, 2, 10), 1)
    assert calendar.working_time_between(at(2026, 3, 2), at(2026, 3, 9)) == timedelta(0)


def test_a_calendar_that_never_works_does_not_loop_forever():
    every_day_off = [DayEntry(date(2026, 3, 2) + timedelta(days=i), "holiday") for i in range(800)]
    calendar = BusinessCalendar([(0, time(9), time(18))], every_day_off, tz=SH)
    with pytest.raises(CalendarConfigError, match="No working day"):
        calendar.add_working_time(at(2026, 3, 2, 10), H)


@pytest.mark.django_db
def test_a_bad_schedule_file_imports_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n2027-02-01,nap,x\n",
                    encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 3.*\n.*line 4"):
        call_command("import_holidays", str(path))
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_an_official_import_keeps_organisation_days(tmp_path):
    CalendarDay.objects.create(date=date(2027, 1, 4), kind="workday", name="年终结算")
    path = tmp_path / "2027.csv"
    path.write_text("2027-01-01,休,元旦\n2027-01-04,holiday,元旦\n", encoding="utf-8")
    call_command("import_holidays", str(path))
    assert CalendarDay.objects.get(date=date(2027, 1, 4)).source == "org"
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).kind == "holiday"
    assert cal_module.day_info(date(2027, 1, 4)).kind == "workday"


@pytest.mark.django_db
def test_the_calendar_admin_warns_about_an_unconfirmed_year(admin_client):
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        page = admin_client.get("/admin/deadlines/calendarday/")
        assert page.status_code == 200
        assert "2027-01-01" in page.content.decode()
    with time_machine.travel(at(2026, 3, 1, 10), tick=False):
        assert "2027-01-01" not in admin_client.get("/admin/deadlines/calendarday/").content.decode()
    assert admin_client.get("/admin/deadlines/workingperiod/").status_code == 200
