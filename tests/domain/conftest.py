"""Domain-level fixtures: complaints built through the domain functions, under a frozen clock.

Every test here starts on Monday 2026-11-23 10:00 Shanghai time with the clock stopped; tests that
need time to pass move it with the `clock` fixture (`clock.move_to(...)`, `clock.shift(...)`).
"""

from __future__ import annotations

import pytest
import time_machine

from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint, Status
from tests.domain.support import START, intake


@pytest.fixture(autouse=True)
def _fast_and_local(settings):
    # Named users are created per test; a cheap hasher keeps the suite fast. Expectations are
    # Shanghai wall-clock dates whatever TIME_ZONE the machine exports.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture(autouse=True)
def _fresh_memo():
    # Configuration tables are memoised per process; a rolled-back test must not leak its rules,
    # settings or routing into the next one.
    from loopdesk.core import memo

    memo.clear()
    yield
    memo.clear()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def register(org):
    """Register a complaint through the domain; amy (agent) registers unless told otherwise."""

    def make(actor: str | None = "amy", **over) -> Complaint:
        user = org.users[actor] if actor else None
        return register_complaint(intake(**over), actor=user).complaint

    return make


@pytest.fixture
def complaint_in(register):
    """A logistics complaint (owner hank, registered by amy) put straight into a status — setup only."""

    def make(status: str = Status.NEW, **over) -> Complaint:
        c = register(**over)
        Complaint.objects.filter(pk=c.pk).update(status=status)
        c.refresh_from_db()
        return c

    return make
