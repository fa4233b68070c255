"""Crafted complaints for the monitoring tests.

Burst history and contradictory records cannot be made through the domain actions (they refuse
them), so these tests write complaint rows directly, with exactly the fields each rule reads.
Time is frozen by the escalation tests' `clock` (Monday 2026-11-23 10:00 Shanghai).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.utils import timezone

from loopdesk.classification.models import ProblemType
from loopdesk.complaints.models import Complaint, Customer

_serial = itertools.count(1)


def make_complaint(*, customer: Customer | None = None, phone: str | None = None, problem_type: str | None =
                   "delivery_delay", **fields: Any) -> Complaint:
    n = next(_serial)
    if customer is None:
        customer = Customer.objects.create(name="张先生", phone=f"1380000{n:04d}" if phone is None else phone)
    now = timezone.now()
    data: dict[str, Any] = {
        "number": f"T{n:07d}", "channel": "TEL", "received_at": now, "registered_at": now,
        "subject": f"投诉 {n}", "description": f"第{n}号客户的问题描述", "status": "new",
        "problem_type": ProblemType.objects.get(code=problem_type) if problem_type else None,
    }
    data.update(fields)
    if "registered_at" not in fields:
        data["registered_at"] = max(now, data["received_at"])
    return Complaint.objects.create(customer=customer, **data)


@pytest.fixture
def craft(org, clock):
    return make_complaint
