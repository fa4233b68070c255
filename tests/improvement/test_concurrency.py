"""Simultaneous writers, each a thread with its own connection: a complaint lands in one problem
only, and parallel overdue checks alert each action once. PostgreSQL locks rows (SKIP LOCKED);
SQLite serialises writers, so the same tests run on both."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Event
from loopdesk.core.errors import Conflict, ValidationFailed
from loopdesk.improvement import measures, problems
from loopdesk.improvement.models import ProblemComplaint
from loopdesk.improvement.overdue import EVENT, alert_overdue_actions
from loopdesk.notifications.models import OutboxMessage

REAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WRITERS = 4


def _together(fn, n: int = WRITERS) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(n)
    results, errors, lock = [], [], threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            out = fn(i)
            with lock:
                results.append(out)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results, errors


@REAL
def test_a_complaint_linked_from_several_problems_at_once_lands_in_one(org):
    c = register_complaint(IntakeInput(channel="TEL", subject="快递一周未送达", description="洗衣机快递一直没送到",
                                       customer=CustomerInput(name="张先生", phone="13812341234"),
                                       problem_type="delivery_delay"), actor=org.amy).complaint
    targets = [problems.create_problem(actor=org.mia, title=f"问题{i}") for i in range(WRITERS)]
    results, errors = _together(lambda i: problems.link_complaints(targets[i].pk, [c.number], actor=org.mia))
    assert [len(r) for r in results] == [1]
    assert len(errors) == WRITERS - 1 and all(isinstance(e, ValidationFailed | Conflict) for e in errors), errors
    assert ProblemComplaint.objects.filter(complaint=c).count() == 1
    assert Event.objects.filter(complaint=c, action="link_problem").count() == 1


@REAL
def test_parallel_overdue_checks_alert_each_action_once(org):
    with time_machine.travel("2026-11-23 10:00:00+08:00", tick=False):
        for i in range(6):
            measures.create_action(actor=org.mia, measure=f"措施{i}", metric="weekly_complaints",
                                   baseline_value=5, target_value=2, owner_id=org.hank.pk,
                                   department_id=org.depts["logistics"].pk, due_date=date(2026, 11, 24))
    with time_machine.travel("2026-11-30 10:00:00+08:00", tick=True):
        results, errors = _together(lambda i: alert_overdue_actions())
    assert not errors, errors
    assert sum(results) == 6
    inbox = OutboxMessage.objects.filter(event=EVENT, channel="inbox")
    assert inbox.filter(recipient=org.hank).count() == 6 and inbox.filter(recipient=org.monty).count() == 6
