"""The business calendar page: days off, make-up working days, working hours and the CSV import."""

from __future__ import annotations

from datetime import date, datetime, time

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from loopdesk.accounts.models import AuditLog
from loopdesk.deadlines.calendar import day_info
from loopdesk.deadlines.models import CalendarDay, WorkingPeriod
from tests.config.conftest import snapshot

SCHEDULE = "date,kind,name\n2040-01-01,休,元旦\n2040-02-11,班,春节调休\n"


def test_an_admin_adds_a_day_off_and_deadlines_see_it(org, admin):
    r = admin.post("/config/calendar/new/", {"date": "2040-03-02", "kind": "holiday", "name": "公司年会",
                                              "source": "org"})
    assert r.status_code == 302
    assert day_info(date(2040, 3, 2)).kind == "holiday"
    assert AuditLog.objects.get(action="config.calendar_day.create").target == "calendar_day:2040-03-02"


def test_a_second_entry_for_the_same_date_is_a_field_error(org, admin):
    CalendarDay.objects.create(date=date(2040, 3, 2), kind="holiday")
    before = snapshot()
    r = admin.post("/config/calendar/new/", {"date": "2040-03-02", "kind": "workday", "source": "org"})
    assert r.status_code == 400 and 'id="id_date_error"' in r.content.decode()
    assert snapshot() == before


def test_an_admin_removes_a_day(org, admin):
    day = CalendarDay.objects.create(date=date(2040, 3, 2), kind="holiday", name="公司年会")
    assert admin.post(f"/config/calendar/{day.pk}/delete/").status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditLog.objects.get(action="config.calendar_day.delete").detail["label"].startswith("2040-03-02")


def test_the_import_uses_the_import_command(org, admin):
    r = admin.post("/config/calendar/import/", {"file": SimpleUploadedFile("2040.csv", SCHEDULE.encode()),
                                                 "source": "official"})
    assert r.status_code == 302
    assert {(d.date, d.kind, d.source) for d in CalendarDay.objects.all()} == {
        (date(2040, 1, 1), "holiday", "official"), (date(2040, 2, 11), "workday", "official")}
    log = AuditLog.objects.get(action="config.calendar_day.import")
    assert "2 created" in log.detail["result"]
    assert "2 created" in admin.get("/config/calendar/?year=2040").content.decode()


def test_a_bad_file_imports_nothing_and_names_every_bad_line(org, admin):
    before = snapshot()
    bad = "2040-01-01,休,元旦\n2040-13-01,休,不存在\n2040-02-11,maybe,调休\n"
    r = admin.post("/config/calendar/import/", {"file": SimpleUploadedFile("bad.csv", bad.encode()),
                                                 "source": "official"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "line 2: bad date" in page and "line 3: bad kind" in page
    assert snapshot() == before


def test_working_hours_cannot_overlap(org, admin):
    before = snapshot()
    monday = WorkingPeriod.objects.filter(weekday=0).first()
    start = monday.start.replace(minute=30)  # inside Monday's first period
    r = admin.post("/config/calendar/hours/new/", {"weekday": 0, "start": start.strftime("%H:%M"),
                                                    "end": time(23, 0).strftime("%H:%M")})
    assert r.status_code == 400 and "Overlaps" in r.content.decode()
    assert snapshot() == before


def test_the_page_warns_about_days_off_not_yet_confirmed(org, as_user):
    with time_machine.travel(datetime(2039, 12, 1, 10, 0).astimezone()):
        admin = Client(HTTP_ACCEPT_LANGUAGE="en")
        admin.force_login(org.ada)  # a session from today would have expired by then
        page = admin.get("/config/calendar/").content.decode()
        assert "are assumed, not confirmed: import the official schedule." in page
        assert "are assumed, not confirmed" in admin.get("/config/").content.decode()
