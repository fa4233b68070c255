"""SPEC §6: an escalation is reviewed at its new level within 1 h (L1) or 4 h (L2 and above);
otherwise the monitors are alerted and it goes up again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint
from loopdesk.escalation.models import Escalation
from loopdesk.escalation.sweep import run_sweep
from loopdesk.notifications.models import OutboxMessage
from tests.escalation.support import START, clocks

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def accepted(register, org) -> Complaint:
    """Accepted and answered, so only the review clock can fall due in these tests."""
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明情况")
    return c


def level(c: Complaint) -> int:
    return Complaint.objects.get(pk=c.pk).escalation_level


def test_an_escalation_to_l1_must_be_reviewed_within_an_hour(register, org, clock):
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面")
    review = clocks(c)["review"]
    assert review.due_at == START + timedelta(hours=1)
    assert review.meta == {"level": 1, "person": "sam"}


def test_a_supervisor_who_acts_on_it_in_time_has_reviewed_it(register, org, clock):
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面")
    clock.move_to(START + 40 * MIN)
    actions.add_note(c.number, actor=org.sam, text="已了解情况，安排今天补发")
    assert clocks(c)["review"].state == "done"
    clock.move_to(START + 2 * timedelta(hours=1))
    assert run_sweep().escalations == 0
    assert level(c) == 1


def test_the_handler_acting_is_not_a_review(register, org, clock):
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面")
    actions.add_note(c.number, actor=org.hank, text="已升级给主管，等待主管给出处理意见")
    assert clocks(c)["review"].state == "running"


def test_an_unreviewed_escalation_alerts_the_monitors_and_goes_up_once(register, org, clock):
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面")
    clock.move_to(START + 59 * MIN)
    assert run_sweep().escalations == 0
    clock.move_to(START + 61 * MIN)
    result = run_sweep()
    assert result.escalations == 1 and level(c) == 2
    last = Escalation.objects.filter(complaint=c).latest("id")
    assert (last.trigger, last.from_level, last.to_level, last.to_user) == ("review", 1, 2, org.mia)
    alert = OutboxMessage.objects.get(event="alert.review_overdue", channel="inbox", recipient=org.monty)
    assert alert.complaint_id == c.pk
    # The L2 review has four hours; running the sweep again changes nothing.
    assert clocks(c)["review"].due_at == START + 61 * MIN + timedelta(hours=4)
    assert run_sweep().escalations == 0
    assert OutboxMessage.objects.filter(event="alert.review_overdue", channel="inbox", recipient=org.monty).count() == 1


def test_at_l3_an_unreviewed_escalation_only_alerts(register, org, clock):
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.monty, reason="重大舆情", to_level=3)
    clock.move_to(START + timedelta(hours=4) + MIN)
    assert run_sweep().escalations == 0
    assert level(c) == 3
    assert OutboxMessage.objects.filter(event="alert.review_overdue", channel="inbox", recipient=org.monty).exists()


def test_review_times_are_configurable(register, org, clock, settings):
    settings.LOOPDESK_REVIEW_MINUTES_L1 = 30
    c = accepted(register, org)
    actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面")
    assert clocks(c)["review"].due_at == START + 30 * MIN
