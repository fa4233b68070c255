"""Report fixtures: a November 2026 of crafted complaints whose every figure is known by hand.

Complaints are registered through the domain at their own (frozen) registration moment, then the
outcome columns a month of handling would have written are set directly: timestamps, owners,
statuses, the first cycle of each deadline, ratings and survey links, each with the column the domain
keeps on the complaint for the reports (clock outcome, rated, survey sent). Times are Shanghai.

| # | received    | delay  | pri | channel | type             | FR after | resolved | FR clock | res. clock | rating |
|---|-------------|--------|-----|---------|------------------|----------|----------|----------|------------|--------|
| 1 | 11-02 09:00 | 5 min  | A   | TEL     | delivery_delay   | 30 min   | 3 h      | met      | met        | 5555   |
| 2 | 11-02 10:00 | 20 min | A   | TEL     | delivery_delay   | 2 h      | 10 h     | missed   | missed     | 3344   |
| 3 | 11-09 14:00 | 1 min  | B   | MAIL    | product_function | 1 h      | –        | met      | running    | –      |
| 4 | 11-16 08:00 | 0      | C   | WEB     | delivery_delay   | –        | –        | running  | overdue    | –      |
| 5 | 11-30 23:30 | 10 min | C   | CHAT    | other            | 4 h      | 20 h     | met      | met        | 4444   |
| 6 | 10-31 23:00 | 0      | C   | TEL     | delivery_delay   | (in the previous period)                       |
| 7 | 12-01 00:00 | 0      | C   | TEL     | delivery_delay   | (after the period)                             |

Survey links went to #1, #2, #3 and #5; #4 is a repeat; #2 lacks a resolution summary, #4 a core demand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint, Satisfaction, SatisfactionSource, SurveyToken
from loopdesk.deadlines.engine import FIRST_CYCLE_COLUMNS, outcome
from loopdesk.deadlines.models import Deadline
from tests.domain.support import intake

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SH)
ROLES = ("amy", "hank", "holly", "sam", "mia", "monty", "ada")
ALLOWED = ("sam", "mia", "monty", "ada")


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def set_clock(c: Complaint, kind: str, *, met: bool | None = None, overdue: bool = False) -> None:
    row = Deadline.objects.filter(complaint=c, kind=kind, cycle=1)
    assert row.exists(), f"{c} has no {kind} deadline"
    breached_at = c.received_at + timedelta(hours=1) if (met is False or overdue) else None
    row.update(met=met, state="done" if met is not None else "running", breached_at=breached_at)
    Complaint.objects.filter(pk=c.pk).update(**{FIRST_CYCLE_COLUMNS[kind]: outcome(met, breached_at)})


def rate(c: Complaint, scores: str, source: str = SatisfactionSource.SURVEY) -> Satisfaction:
    s = dict(zip(("response_speed", "result", "attitude", "communication"), map(int, scores), strict=True))
    Complaint.objects.filter(pk=c.pk).update(rated=True)
    return Satisfaction.objects.create(complaint=c, source=source, at=c.received_at + timedelta(days=1), **s)


def invite(c: Complaint) -> None:
    SurveyToken.objects.create(complaint=c, nonce=f"n-{c.pk}", expires_at=c.received_at + timedelta(days=7))
    Complaint.objects.filter(pk=c.pk).update(survey_invited=True)


@pytest.fixture
def make(org):
    """make(received, delay=…, priority=…, **columns): one complaint as a month of handling left it."""

    def build(received: datetime, *, delay: timedelta = timedelta(0), priority: str = "C", channel: str = "TEL",
              problem_type: str = "delivery_delay", region: str = "上海", product: str = "",
              core_demand: str = "尽快送达", **columns) -> Complaint:
        with time_machine.travel(received + delay, tick=False):
            c = register_complaint(intake(channel=channel, problem_type=problem_type, received_at=received,
                                          product=product, core_demand=core_demand,
                                          customer={"region": region}), actor=org.amy).complaint
        # Same customer, same type: intake marks later ones as repeats; the table above decides instead.
        columns = {"is_repeat": False, "repeat_of": None, **columns}
        Complaint.objects.filter(pk=c.pk).update(priority=priority, region=region, **columns)
        c.refresh_from_db()
        return c

    return build


@pytest.fixture
def november(org, make, clock):
    u = org.users
    h = timedelta(hours=1)
    c1 = make(at(11, 2, 9), delay=timedelta(minutes=5), priority="A", product="洗衣机", status="closed",
              owner=u["hank"], first_response_at=at(11, 2, 9, 30), resolved_at=at(11, 2, 12),
              resolution_summary="已改派顺丰送达")
    c2 = make(at(11, 2, 10), delay=timedelta(minutes=20), priority="A", product="洗衣机", status="resolved",
              owner=u["hank"], first_response_at=at(11, 2, 12), resolved_at=at(11, 2, 20))
    c3 = make(at(11, 9, 14), delay=timedelta(minutes=1), priority="B", channel="MAIL",
              problem_type="product_function", region="北京", status="in_progress", owner=u["holly"],
              first_response_at=at(11, 9, 15))
    c4 = make(at(11, 16, 8), priority="C", channel="WEB", channel_ref="", core_demand="", is_repeat=True,
              status="new", owner=None)
    c5 = make(at(11, 30, 23, 30), delay=timedelta(minutes=10), priority="C", channel="CHAT", problem_type="other",
              status="closed", owner=u["amy"], first_response_at=at(11, 30, 23, 30) + 4 * h,
              resolved_at=at(11, 30, 23, 30) + 20 * h, resolution_summary="已退款")
    make(at(10, 31, 23), priority="C")
    make(at(12, 1, 0), priority="C")
    for c, fr, res in ((c1, True, True), (c2, False, False), (c3, True, None), (c5, True, True)):
        set_clock(c, "first_response", met=fr)
        set_clock(c, "resolution", met=res)
    set_clock(c4, "first_response")
    set_clock(c4, "resolution", overdue=True)
    rate(c1, "5555")
    rate(c2, "3344")
    rate(c5, "4444", SatisfactionSource.CALLBACK)
    for c in (c1, c2, c3, c5):
        invite(c)
    return type("November", (), {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5})


@pytest.fixture
def web(org):
    made: dict = {}

    def as_(username: str, lang: str = "en") -> Client:
        if (username, lang) not in made:
            c = Client(HTTP_ACCEPT_LANGUAGE=lang)
            c.force_login(org.users[username])
            made[(username, lang)] = c
        return made[(username, lang)]

    return as_
