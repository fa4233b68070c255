"""Overdue improvement actions alert their owner, the problem's owner and the monitors once per due
date, through the background loop; done and cancelled actions never alert."""

from __future__ import annotations

from datetime import date

import pytest

from loopdesk.improvement import measures
from loopdesk.improvement.overdue import EVENT, alert_overdue_actions
from loopdesk.jobs import work
from loopdesk.notifications.messages import render
from loopdesk.notifications.models import OutboxMessage
from tests.escalation.support import at

pytestmark = pytest.mark.django_db


def inboxes() -> list[tuple[int, str]]:
    return sorted(OutboxMessage.objects.filter(event=EVENT, channel="inbox").values_list("recipient__username",
                                                                                         "params__due_date"))


def test_an_action_is_overdue_the_day_after_its_due_date(org, problem, plan, clock):
    p = problem(owner_id=org.mia.pk)
    a = plan(problem_id=p.pk, owner_id=org.hank.pk, due_date=date(2026, 11, 25))
    clock.move_to(at(2026, 11, 25, 23, 59))  # still due today, Shanghai time
    assert alert_overdue_actions() == 0
    clock.move_to(at(2026, 11, 26, 0, 1))
    assert alert_overdue_actions() == 1
    assert inboxes() == [("hank", "2026-11-25"), ("mia", "2026-11-25"), ("monty", "2026-11-25")]
    a.refresh_from_db()
    assert a.overdue_alerted_for == date(2026, 11, 25)
    message = OutboxMessage.objects.filter(event=EVENT, channel="inbox").first()
    title, body = render(EVENT, message.params)
    assert str(a.pk) in title and "2026-11-25" in body


def test_it_alerts_once_until_the_due_date_moves(org, plan, clock, django_assert_num_queries):
    a = plan(owner_id=org.hank.pk, due_date=date(2026, 11, 24))
    clock.move_to(at(2026, 11, 27))
    assert alert_overdue_actions() == 1
    sent = OutboxMessage.objects.count()
    with django_assert_num_queries(3):  # idle: one indexed query (in its savepoint)
        assert alert_overdue_actions() == 0
    assert OutboxMessage.objects.count() == sent
    measures.update_action(a.pk, actor=org.mia, due_date=date(2026, 11, 30))
    clock.move_to(at(2026, 12, 1))
    assert alert_overdue_actions() == 1
    assert inboxes() == [("hank", "2026-11-24"), ("hank", "2026-11-30"), ("monty", "2026-11-24"),
                         ("monty", "2026-11-30")]


def test_even_a_lost_mark_never_alerts_twice(org, plan, clock):
    from loopdesk.improvement.models import ImprovementAction

    a = plan(owner_id=org.hank.pk, due_date=date(2026, 11, 24))
    clock.move_to(at(2026, 11, 27))
    alert_overdue_actions()
    ImprovementAction.objects.filter(pk=a.pk).update(overdue_alerted_for=None)
    sent = OutboxMessage.objects.count()
    assert alert_overdue_actions() == 1  # looked at again, but the outbox keeps one message per key
    assert OutboxMessage.objects.count() == sent


def test_done_and_cancelled_actions_do_not_alert(org, plan, clock):
    done = plan(due_date=date(2026, 11, 24))
    cancelled = plan(due_date=date(2026, 11, 24))
    measures.complete_action(done.pk, actor=org.sam, result="已完成")
    measures.cancel_action(cancelled.pk, actor=org.mia, reason="不再需要")
    clock.move_to(at(2026, 12, 1))
    assert alert_overdue_actions() == 0
    assert not OutboxMessage.objects.filter(event=EVENT).exists()


def test_the_background_loop_runs_the_check(org, plan, clock):
    plan(owner_id=org.hank.pk, due_date=date(2026, 11, 24))
    clock.move_to(at(2026, 11, 27))
    assert work.sweep()["overdue_actions"] == 1
    assert work.sweep()["overdue_actions"] == 0


def test_the_alert_reaches_the_owners_inbox(org, api, plan, clock):
    a = plan(owner_id=org.hank.pk, due_date=date(2026, 11, 24), measure="分拣员岗前培训")
    clock.move_to(at(2026, 11, 27))
    work.sweep()
    assert work.deliver()["sent"] >= 2
    [item] = api("hank", "en").get("/inbox").json()["items"]
    assert item["event"] == EVENT and item["complaint"] is None
    assert item["title"] == f"Improvement action overdue: #{a.pk}"
    assert "分拣员岗前培训" in item["body"] and "2026-11-24" in item["body"]
