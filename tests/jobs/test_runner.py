"""The embedded background loop and the commands that run it."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command

from loopdesk.complaints.intake import register_complaint
from loopdesk.deadlines.models import Deadline
from loopdesk.escalation.models import Escalation
from loopdesk.jobs import runner
from loopdesk.notifications.models import InboxItem
from tests.escalation.support import START, intake

# Real commits, because another thread or process must see the rows; the migrated rows come back after.
REAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.django_db
def test_one_round_sweeps_and_delivers(register, org, clock):
    c = register()
    clock.move_to(START + timedelta(hours=1, minutes=1))
    result = runner.run_once()
    assert result["sweep"]["escalations"] == 1
    assert result["outbox"]["sent"] >= 2
    assert Escalation.objects.filter(complaint=c).exists()
    assert InboxItem.objects.filter(user=org.sam, event="complaint.escalated").exists()


@pytest.mark.django_db
def test_the_commands_run_one_round(register, org, clock, capsys):
    register()
    clock.move_to(START + timedelta(hours=1, minutes=1))
    call_command("run_sweep", "--once")
    assert json.loads(capsys.readouterr().out)["escalations"] == 1
    call_command("run_jobs", "--once")
    out = json.loads(capsys.readouterr().out)
    assert out["sweep"]["complaints"] == 0 and out["outbox"]["sent"] >= 2


@REAL
def test_the_loop_runs_in_a_thread_until_stopped(org):
    c = register_complaint(intake(), actor=org.amy).complaint
    Deadline.objects.filter(complaint=c, kind="acceptance").update(next_check_at=START, due_at=START)
    thread, stop = runner.start_in_thread(sweep_every=0.2, poll=0.05)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if InboxItem.objects.filter(user=org.sam, event="complaint.escalated").exists():
                break
            time.sleep(0.05)
        else:
            pytest.fail("the loop never delivered the escalation")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert Escalation.objects.filter(complaint=c).count() == 1


@REAL
def test_a_failing_step_does_not_end_the_loop(monkeypatch):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return {}

    monkeypatch.setattr(runner, "ERROR_PAUSE", 0.01)
    monkeypatch.setattr(runner.work, "sweep", flaky)
    monkeypatch.setattr(runner.work, "deliver", lambda max_messages=200: {"sent": 0})
    thread, stop = runner.start_in_thread(sweep_every=0.01, poll=0.01)
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert len(calls) >= 3
