"""Sweeps in parallel processes never act twice: real processes against the real database."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Event, EventKind
from loopdesk.deadlines.models import Deadline
from loopdesk.escalation.models import Escalation
from loopdesk.notifications.models import OutboxMessage
from tests.escalation.processes import ROOT, child_env, manage
from tests.escalation.support import intake

COMPLAINTS = 40
PROCESSES = 4


@pytest.fixture
def due_complaints(org):
    """Complaints whose acceptance was missed a minute ago (the children run on the real clock)."""
    complaints = [register_complaint(intake(customer={"phone": f"1380000{i:04d}"}), actor=org.amy).complaint
                  for i in range(COMPLAINTS)]
    past = timezone.now() - timedelta(minutes=1)
    Deadline.objects.filter(kind="acceptance").update(due_at=past, remind_at=past, next_check_at=past)
    return complaints


@pytest.mark.skipif(connection.vendor == "sqlite", reason=(
    "needs PostgreSQL (DATABASE_URL=postgres://…): SQLite lets one writer in at a time, so parallel sweeps "
    "only queue up there (and this test takes ~30 s)"))
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the children must see committed rows
def test_parallel_sweeps_escalate_and_notify_each_complaint_exactly_once(due_complaints, org):
    children = [subprocess.Popen(manage("run_sweep", "--once"), cwd=ROOT, env=child_env(), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(PROCESSES)]
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert sum(r["escalations"] for r in results) == COMPLAINTS
    assert sum(r["failed"] for r in results) == 0
    for c in due_complaints:
        assert Escalation.objects.filter(complaint=c).count() == 1
        assert Event.objects.filter(complaint=c, kind=EventKind.ESCALATION).count() == 1
        assert OutboxMessage.objects.filter(complaint=c, event="complaint.escalated", channel="inbox").count() == 1
        assert OutboxMessage.objects.filter(complaint=c, event="alert.unaccepted", channel="inbox").count() == 1

    again = subprocess.run(manage("run_sweep", "--once"), cwd=ROOT, env=child_env(), text=True,
                           capture_output=True, timeout=120, check=True)
    assert json.loads(again.stdout.strip().splitlines()[-1])["complaints"] == 0
