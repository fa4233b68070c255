"""Fixtures for problems and improvement actions.

Time is frozen on Monday 2026-11-23 10:00 Shanghai; tests move it with `clock`. The organisation
is tests/conftest.py's: delivery complaints go to logistics (hank, supervisor sam), product faults
to tech support (holly); mia manages, monty monitors, ada administers, amy is a frontline agent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.improvement import measures, problems
from loopdesk.improvement.models import ImprovementAction, Problem
from tests.escalation.support import START, at  # noqa: F401
from tests.web.conftest import browser  # noqa: F401

MANAGERS = ("sam", "mia", "monty", "ada")
ROLES = ("amy", "hank", "holly", "sam", "mia", "monty", "ada")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def register(org, clock):
    """register(subject=..., description=..., problem_type=..., product=...) → a complaint, taken by amy.
    Each gets its own customer, so no complaint counts as a repeat unless asked."""
    counter = iter(range(1, 10_000))

    def make(subject: str = "快递一周未送达", description: str = "10月28日购买的洗衣机，快递一直没送到",
             problem_type: str = "delivery_delay", product: str = "滚筒洗衣机 XQG100", phone: str | None = None,
             by: str = "amy", **over) -> Complaint:
        data = IntakeInput(channel="TEL", subject=subject, description=description, problem_type=problem_type,
                           product=product,
                           customer=CustomerInput(name="张先生", phone=phone or f"1390000{next(counter):04d}",
                                                  region="上海"), **over)
        return register_complaint(data, actor=org.users[by]).complaint

    return make


@pytest.fixture
def problem(org):
    def make(by: str = "mia", numbers=(), **over) -> Problem:
        data = {"title": "洗衣机配送延迟", "description": "多位客户反映洗衣机快递一直没送到",
                "problem_type": "delivery_delay", "product": "滚筒洗衣机 XQG100"}
        data.update(over)
        return problems.create_problem(actor=org.users[by], numbers=numbers, **data)

    return make


@pytest.fixture
def plan(org):
    def make(by: str = "mia", problem_id: int | None = None, **over) -> ImprovementAction:
        data = {"measure": "与快递公司签订48小时送达协议，超时自动赔付", "metric": "weekly_complaints",
                "baseline_value": Decimal("5"), "target_value": Decimal("2"), "owner_id": org.sam.pk,
                "department_id": org.depts["logistics"].pk, "due_date": date(2026, 12, 15),
                "evaluation_weeks": 4}
        data.update(over)
        return measures.create_action(actor=org.users[by], problem_id=problem_id, **data)

    return make
