from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from loopdesk.deadlines.calendar import BusinessCalendar

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _shanghai(settings):
    # The expectations below are Shanghai wall-clock times, whatever TIME_ZONE the machine exports.
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def calendar(db) -> BusinessCalendar:
    """The migrated default calendar, with 2025–2027 loaded so arithmetic needs no more queries."""
    return BusinessCalendar.from_db(date(2025, 1, 1), date(2027, 12, 31))
