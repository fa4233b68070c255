"""Web-test helpers: a signed-in browser per named user, complaints driven to a given state, and
a snapshot of everything a refused request must leave untouched.

Complaints registered with `register()` are taken by amy and routed by the shared `org` rules:
delivery problems to logistics (hank, supervisor sam), product problems to tech support (holly).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import actions
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import (
    Attachment,
    Communication,
    Complaint,
    Customer,
    Event,
    Note,
    Satisfaction,
    Solution,
    SubTask,
)

STATES = ("new", "accepted", "in_progress", "awaiting_customer", "solution_pending", "solution_pending_approval",
          "resolved", "callback_pending", "closed", "archived", "reopened", "cancelled")
ROLES = ("amy", "hank", "holly", "sam", "mia", "monty", "ada")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea73581e40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(org):
    """browser("hank") → a Client signed in as hank, English pages. browser(None) → anonymous."""
    made: dict = {}

    def as_(username: str | None, *, csrf: bool = False) -> Client:
        key = (username, csrf)
        if key not in made:
            c = Client(enforce_csrf_checks=csrf, HTTP_ACCEPT_LANGUAGE="en")
            if username:
                c.force_login(org.users[username])
            made[key] = c
        return made[key]

    return as_


def register(org, *, by: str = "amy", phone: str = "13812341234", problem_type: str = "delivery_delay",
             subject: str = "快递一周未送达", description: str = "10月28日购买的洗衣机，快递一直没送到",
             customer_name: str = "张先生", **over) -> Complaint:
    data = IntakeInput(channel="TEL", subject=subject, description=description, problem_type=problem_type,
                       customer=CustomerInput(name=customer_name, phone=phone, region="上海"), **over)
    return register_complaint(data, actor=org.users[by]).complaint


def drive(org, c: Complaint, state: str) -> Complaint:
    """Move a new complaint (owned by hank) to `state` through the domain actions, as ada."""
    n, ada = c.number, org.ada
    assert state in STATES, state
    if state == "cancelled":
        actions.cancel(n, actor=ada, reason="重复登记")
        return Complaint.objects.get(pk=c.pk)
    if state == "new":
        return c
    actions.accept(n, actor=ada)
    if state == "accepted":
        return Complaint.objects.get(pk=c.pk)
    actions.start(n, actor=ada)
    if state == "awaiting_customer":
        actions.wait_customer(n, actor=ada, reason="等待客户提供照片")
    elif state == "solution_pending":
        actions.propose_solution(n, actor=ada, measures="补发并上门安装")
    elif state == "solution_pending_approval":
        actions.propose_solution(n, actor=ada, measures="全额退款并赔偿", compensation_kind="cash",
                                 compensation_amount=Decimal("2000"))
    elif state in ("resolved", "callback_pending", "closed", "archived", "reopened"):
        actions.resolve(n, actor=ada, summary="已补发，客户签收")
        if state == "callback_pending":
            actions.request_callback(n, actor=ada)
        if state in ("closed", "archived"):
            actions.verify(n, actor=org.monty, passed=True, note="核查通过")
        if state == "archived":
            actions.archive(n, actor=ada)
        if state == "reopened":
            actions.reopen(n, actor=ada, reason="客户再次来电")
    return Complaint.objects.get(pk=c.pk)


@pytest.fixture
def complaint(org):
    """complaint("in_progress", problem_type=...) → a fresh complaint in that state."""

    def make(state: str = "new", **over) -> Complaint:
        return drive(org, register(org, **over), state)

    return make


COUNTED = (Complaint, Customer, Event, Note, Communication, SubTask, Solution, Satisfaction, Attachment, AuditLog)


def snapshot(number: str | None = None) -> dict:
    out: dict = {m.__name__: m.objects.count() for m in COUNTED}
    if number:
        c = Complaint.objects.get(number=number)
        out["complaint"] = {f: getattr(c, f) for f in ("status", "owner_id", "department_id", "priority",
                                                       "problem_type_id", "severity", "reopen_count")}
        out["co_handlers"] = sorted(c.co_handlers.values_list("pk", flat=True))
    return out
