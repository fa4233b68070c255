"""Archive fixtures: the web tests' named users and complaints, and a clock we move by months.

Every test starts on Monday 2026-11-23 10:00 Shanghai time with the clock stopped.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.web.conftest import _fast_password_hasher, browser, complaint  # noqa: F401 - shared fixtures

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
