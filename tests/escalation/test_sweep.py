"""The monitor sweep: reminders, missed deadlines, escalation, alerts; idempotent and poison-proof."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint, Event, EventKind
from loopdesk.core import memo
from loopdesk.deadlines.models import Deadline
from loopdesk.escalation import sweep as sweep_module
from loopdesk.escalation.models import Escalation
from loopdesk.escalation.sweep import run_sweep
from loopdesk.notifications.models import OutboxMessage
from loopdesk.routing.models import RoutingRule
from tests.escalation.support import START, at, clocks

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def inbox(event: str, user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event=event, channel="inbox", recipient=user))


def state() -> dict:
    """Everything the sweep writes, to prove a second run writes nothing."""
    return {
        "complaints": list(Complaint.objects.order_by("id").values_list("id", "escalation_level", "updated_at")),
        "deadlines": list(Deadline.objects.order_by("id").values()),
        "escalations": Escalation.objects.count(),
        "events": Event.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }


def test_nothing_is_due_right_after_registration(register):
    register()
    assert run_sweep().as_dict() == {"complaints": 0, "reminders": 0, "escalations": 0, "alerts": 0, "closed": 0,
                                     "failed": 0}


def test_at_80_percent_of_the_acceptance_time_the_owner_is_reminded_once(register, org, clock):
    c = register()
    clock.shift(47 * 60)
    assert run_sweep().reminders == 0
    clock.shift(60)  # 48 minutes = 80 % of an hour
    assert run_sweep().reminders == 1
    [message] = inbox("deadline.reminder", org.hank)
    assert (message.params["number"], message.params["target"]) == (c.number, "acceptance")
    assert datetime.fromisoformat(message.params["due"]) == START + H
    assert clocks(c)["acceptance"].reminded_at == START + 48 * MIN
    assert clocks(c)["acceptance"].next_check_at == START + H
    clock.shift(60)
    assert run_sweep().reminders == 0


def test_a_missed_acceptance_escalates_to_the_departments_supervisor_and_alerts_the_monitors(register, org, clock):
    c = register()
    clock.move_to(START + H + MIN)
    result = run_sweep()
    assert (result.escalations, result.alerts) == (1, 1)
    c.refresh_from_db()
    assert c.escalation_level == 1
    esc = Escalation.objects.get(complaint=c)
    assert (esc.from_level, esc.to_level, esc.from_user, esc.to_user) == (0, 1, org.hank, org.sam)
    assert esc.trigger == "acceptance" and esc.actor is None and esc.customer_told is False
    assert esc.new_due_at == START + H + MIN + H  # a fresh hour to get it accepted at L1
    event = Event.objects.get(complaint=c, kind=EventKind.ESCALATION)
    assert event.before == {"level": 0, "person": "hank"}
    assert event.after["level"] == 1 and event.after["person"] == "sam" and event.after["trigger"] == "acceptance"
    assert inbox("complaint.escalated", org.sam)
    assert inbox("alert.unaccepted", org.monty)
    assert clocks(c)["acceptance"].breached_at == START + H
    missed = Event.objects.get(complaint=c, action="deadline_missed")
    assert missed.id < event.id  # the cause is on the timeline before the escalation


def test_accepting_late_still_records_the_miss(register, org, clock):
    c = register()
    clock.move_to(START + H + MIN)
    run_sweep()
    actions.accept(c.number, actor=org.hank)
    assert clocks(c)["acceptance"].met is False


def _keep_progress(c, org, clock, until):
    """Progress notes every 20 hours up to `until`, so only the target under test is missed."""
    moment = timezone.now()
    while moment + 20 * H < until:
        moment += 20 * H
        clock.move_to(moment)
        actions.add_note(c.number, actor=org.hank, text="已联系快递公司，今日补发")


def test_a_missed_resolution_escalates_one_level_each_time_it_is_missed_again(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明")
    due = at(2026, 11, 26, 10)
    _keep_progress(c, org, clock, due)
    clock.move_to(due + MIN)
    assert run_sweep().escalations == 1
    c.refresh_from_db()
    assert c.escalation_level == 1
    esc = Escalation.objects.get(complaint=c)
    assert esc.trigger == "resolution"
    # Three more working days at L1: Thursday 10:01 → Tuesday 10:01 (weekend in between).
    assert esc.new_due_at == at(2026, 12, 1, 10, 1)
    assert run_sweep().escalations == 0
    actions.add_note(c.number, actor=org.sam, text="主管已复核，督促今日处理完毕")  # the L1 review (SPEC §6)

    _keep_progress(c, org, clock, esc.new_due_at)
    clock.move_to(esc.new_due_at + MIN)
    run_sweep()
    c.refresh_from_db()
    assert c.escalation_level == 2
    assert Escalation.objects.filter(complaint=c).latest("id").to_user == org.mia


def test_no_progress_update_for_24_hours_escalates(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明")
    clock.move_to(START + 24 * H + MIN)
    assert run_sweep().escalations == 1
    assert Escalation.objects.get(complaint=c).trigger == "progress"
    assert clocks(c)["progress"].due_at == START + 48 * H + MIN


def test_a_missed_first_response_escalates(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    clock.move_to(START + 23 * H)
    actions.add_note(c.number, actor=org.hank, text="已联系快递公司，今日补发")  # progress, not a response
    clock.move_to(START + 24 * H + MIN)
    run_sweep()
    assert Escalation.objects.get(complaint=c).trigger == "first_response"


def test_a_high_risk_complaint_goes_to_l2_at_once_and_the_monitors_are_alerted(register, org):
    c = register(risk="high")
    result = run_sweep()
    assert result.escalations == 1
    esc = Escalation.objects.get(complaint=c)
    assert (esc.to_level, esc.to_user, esc.trigger) == (2, org.mia, "risk")
    assert inbox("alert.high_risk", org.monty)
    assert run_sweep().complaints == 0


def test_high_risk_and_urgent_goes_to_l3(register, org):
    c = register(risk="high", severity="urgent")
    run_sweep()
    esc = Escalation.objects.get(complaint=c)
    assert (esc.to_level, esc.to_user) == (3, org.ada)


def test_a_large_compensation_goes_to_l2(register, org, settings):
    settings.LOOPDESK_LARGE_COMPENSATION = "5000"
    c = register(compensation_amount=Decimal("8000"), compensation_kind="cash")
    run_sweep()
    assert Escalation.objects.get(complaint=c).to_level == 2
    small = register(compensation_amount=Decimal("100"), compensation_kind="cash")
    run_sweep()
    assert not Escalation.objects.filter(complaint=small).exists()


def test_reclassifying_to_high_risk_alerts_and_escalates_at_the_next_sweep(register, org):
    c = register()
    actions.reclassify(c.number, actor=org.hank, changes={"risk": "high"})
    run_sweep()
    assert Escalation.objects.get(complaint=c).to_level == 2
    assert inbox("alert.high_risk", org.monty)


def test_an_unassigned_complaint_alerts_once(register, org, clock):
    RoutingRule.objects.all().delete()
    memo.clear()
    c = register()
    assert c.owner_id is None and "acceptance" not in clocks(c)
    clock.shift(29 * 60)
    assert run_sweep().alerts == 0
    clock.shift(2 * 60)
    assert run_sweep().alerts == 1
    assert inbox("alert.unassigned", org.monty)
    clock.shift(3600)
    assert run_sweep().alerts == 0


def test_assigning_in_time_cancels_the_unassigned_alert_and_starts_acceptance(register, org, clock):
    RoutingRule.objects.all().delete()
    memo.clear()
    c = register()
    clock.shift(10 * 60)
    actions.assign(c.number, actor=org.ada, owner_id=org.hank.pk)
    d = clocks(c)
    assert d["assignment"].state == "done"
    assert d["acceptance"].due_at == START + 10 * MIN + H
    assert OutboxMessage.objects.filter(event="complaint.assigned", recipient=org.hank, channel="inbox").exists()
    clock.shift(3600)
    assert run_sweep().alerts == 1  # acceptance missed now: alert.unaccepted, not alert.unassigned
    assert not inbox("alert.unassigned", org.monty)


def test_a_repeat_complaint_escalates_to_l1(register, org):
    customer = {"phone": "13911112222"}
    register(customer=customer)
    repeat = register(customer=customer)
    assert repeat.is_repeat
    run_sweep()
    assert Escalation.objects.get(complaint=repeat).trigger == "repeat"


def test_at_the_top_level_a_missed_target_alerts_instead_of_escalating(register, org, clock):
    c = register()
    Complaint.objects.filter(pk=c.pk).update(escalation_level=3)
    clock.move_to(START + H + MIN)
    result = run_sweep()
    assert (result.escalations, result.alerts) == (0, 1)
    assert inbox("alert.overdue", org.monty) and inbox("alert.overdue", org.ada)
    assert clocks(c)["acceptance"].due_at == START + H + MIN + H  # re-armed: alerts again if still ignored


def test_a_missed_callback_alerts_the_owner_and_monitors(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    clock.move_to(START + 24 * H + MIN)
    result = run_sweep()
    assert result.escalations == 0
    assert inbox("alert.callback_overdue", org.monty) and inbox("alert.callback_overdue", org.hank)


def test_running_the_sweep_again_changes_nothing(register, org, clock):
    register()
    register(risk="high")
    register(compensation_amount=Decimal("9000"), compensation_kind="cash")
    clock.move_to(START + 25 * H)
    first = run_sweep()
    assert first.escalations >= 3
    before = state()
    assert run_sweep().complaints == 0
    assert state() == before


def test_a_row_that_fails_is_pushed_back_and_does_not_stop_the_others(register, org, clock, monkeypatch, caplog):
    bad, good = register(), register()
    real = sweep_module.Sweep._missed

    def explode(self, c, clocks, row):
        if c.pk == bad.pk:
            Escalation.objects.create(complaint=c, trigger="manual", reason="half-written", from_level=0, to_level=1)
            raise RuntimeError("poison")
        return real(self, c, clocks, row)

    monkeypatch.setattr(sweep_module.Sweep, "_missed", explode)
    now = START + H + MIN
    clock.move_to(now)
    result = run_sweep()
    assert (result.failed, result.escalations) == (1, 1)
    assert "poison" in caplog.text
    assert not Escalation.objects.filter(complaint=bad).exists()  # its half-done work was rolled back
    assert Escalation.objects.filter(complaint=good).exists()
    assert clocks(bad)["acceptance"].next_check_at == now + timedelta(seconds=300)
    assert run_sweep().complaints == 0  # not retried before its new time

    monkeypatch.setattr(sweep_module.Sweep, "_missed", real)
    clock.move_to(now + timedelta(seconds=301))
    assert run_sweep().escalations == 1
    assert Escalation.objects.filter(complaint=bad).exists()


def test_the_sweeps_queries_follow_due_complaints_not_open_ones(register, org, clock):
    def queries_with(quiet: int) -> int:
        for _ in range(quiet):
            actions.accept(register().number, actor=org.hank)  # nothing due for hours
        register(), register()  # their acceptance reaches its reminder in 48 minutes
        clock.shift(48 * 60)
        with CaptureQueriesContext(connection) as ctx:
            assert run_sweep().reminders == 2
        Deadline.objects.update(next_check_at=None)  # quiet again for the next round
        return len(ctx.captured_queries)

    assert queries_with(2) == queries_with(20)
