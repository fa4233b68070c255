"""Fixtures shared by the deadline, escalation, notification and job tests (imported by their conftests).

Time is frozen on Monday 2026-11-23 10:00 Shanghai (a working day); tests move it with `clock`.
The organisation is tests/conftest.py's: hank (logistics handler) owns logistics complaints, sam
supervises logistics, mia is the manager, monty the monitor and ada the admin.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.deadlines.models import Deadline

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fast_local_english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_memo():
    from loopdesk.core import memo

    memo.clear()
    yield
    memo.clear()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def intake(*, channel: str = "TEL", problem_type: str = "delivery_delay", customer: dict | None = None,
           **over) -> IntakeInput:
    cust = {"name": "张先生", "phone": "13812341234", "region": "上海"}
    cust.update(customer or {})
    data = {"subject": "快递一周未送达", "description": "洗衣机一周没送到，客服也不回复",
            "core_demand": "尽快送达", "channel_ref": "CALL-0001"}
    data.update(over)
    return IntakeInput(channel=channel, customer=CustomerInput(**cust), problem_type=problem_type, **data)


@pytest.fixture
def register(org, clock):
    """Register through the domain (amy registers). Each call gets its own customer unless given one."""
    counter = iter(range(1, 10_000))

    def make(actor: str | None = "amy", **over) -> Complaint:
        over.setdefault("customer", {"phone": f"1390000{next(counter):04d}"})
        return register_complaint(intake(**over), actor=org.users[actor] if actor else None).complaint

    return make


def clocks(c: Complaint) -> dict[str, Deadline]:
    """The latest cycle of each deadline of a complaint, by kind."""
    out: dict[str, Deadline] = {}
    for row in Deadline.objects.filter(complaint=c).order_by("kind", "cycle"):
        out[row.kind] = row
    return out
