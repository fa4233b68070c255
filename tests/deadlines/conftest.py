from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from loopdesk.deadlines.calendar import BusinessCalendar
from tests.escalation.support import _fast_local_english, _fresh_memo, clock, register  # noqa: F401 (fixtures)

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _shanghai(settings):
    # The expectations below are Shanghai wall-clock times, whatever TIME_ZONE the machine exports.
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; the Chinese catalogue is the default language.
    with translation.override("en"):
        yield


@pytest.fixture
def calendar(db) -> BusinessCalendar:
    """The migrated default calendar, with 2025–2027 loaded so arithmetic needs no more queries."""
    return BusinessCalendar.from_db(date(2025, 1, 1), date(2027, 12, 31))
