"""SLA clocks kept by the complaint actions: set at registration, paused, resumed, completed, recomputed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.models import Event, EventKind
from loopdesk.deadlines.models import SlaPolicy
from tests.escalation.support import START, at, clocks

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_registration_sets_the_default_c_targets(register):
    c = register()
    d = clocks(c)
    assert c.priority == "C"
    assert d["first_response"].due_at == START + 24 * H
    # 3 working days from Monday 10:00 is Thursday 10:00.
    assert d["resolution"].due_at == at(2026, 11, 26, 10)
    assert d["acceptance"].due_at == START + H  # routed to hank at once
    assert "progress" not in d and "callback" not in d
    assert d["first_response"].remind_at == START + timedelta(hours=24 * 0.8)
    event = Event.objects.get(complaint=c, kind=EventKind.DEADLINE, action="deadlines_set")
    assert event.after["resolution"] == at(2026, 11, 26, 10).isoformat()


def test_an_a_complaint_must_be_resolved_within_four_working_hours(register, clock):
    clock.move_to(at(2026, 11, 23, 16))
    c = register(severity="urgent", risk="high")
    assert c.priority == "A"
    d = clocks(c)
    assert d["first_response"].due_at == at(2026, 11, 23, 17)
    # 16:00–18:00 today, then 09:00–11:00 tomorrow.
    assert d["resolution"].due_at == at(2026, 11, 24, 11)


def test_a_c_complaint_received_before_national_day_is_due_after_the_holiday(register, clock):
    clock.move_to(at(2026, 9, 30, 15))
    c = register()
    # 1–7 October 2026 are days off; the three working days are 8, 9 and the make-up Saturday 10 October.
    assert clocks(c)["resolution"].due_at == at(2026, 10, 10, 15)


def test_the_received_time_starts_the_clock_not_the_registration(register):
    c = register(received_at=START - 2 * H)
    assert clocks(c)["first_response"].due_at == START + 22 * H


def test_accepting_meets_the_acceptance_target_and_starts_the_progress_clock(register, org, clock):
    c = register()
    clock.shift(20 * 60)
    actions.accept(c.number, actor=org.hank)
    d = clocks(c)
    assert d["acceptance"].state == "done" and d["acceptance"].met is True
    assert d["acceptance"].done_at == START + timedelta(minutes=20)
    assert d["progress"].due_at == START + timedelta(minutes=20) + 24 * H


def test_a_late_acceptance_is_recorded_as_missed(register, org, clock):
    c = register()
    clock.shift(2 * 3600)
    actions.accept(c.number, actor=org.hank)
    assert clocks(c)["acceptance"].met is False


def test_an_outbound_call_is_the_first_response_and_a_progress_update(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    clock.shift(3 * 3600)
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="in", summary="客户来电催促")
    assert clocks(c)["first_response"].state == "running"
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明")
    d = clocks(c)
    assert d["first_response"].state == "done" and d["first_response"].met is True
    assert d["progress"].due_at == START + 3 * H + 24 * H


def test_a_progress_note_restarts_the_update_interval(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    clock.shift(10 * 3600)
    actions.add_note(c.number, actor=org.hank, text="已联系快递公司核实物流轨迹")
    assert clocks(c)["progress"].due_at == START + 10 * H + 24 * H


def test_waiting_on_the_customer_pauses_the_clocks_and_resuming_keeps_the_time_left(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    clock.shift(2 * 3600)  # Monday 12:00: 2 of the 22.5 working hours are used
    actions.wait_customer(c.number, actor=org.hank, reason="等待客户提供订单截图")
    paused = clocks(c)["resolution"]
    assert paused.state == "paused" and paused.next_check_at is None
    assert paused.budget_seconds - paused.consumed_seconds == int(20.5 * 3600)

    clock.move_to(at(2026, 11, 25, 9))  # two days later, Wednesday 09:00
    actions.resume(c.number, actor=org.hank)
    d = clocks(c)
    # 20.5 working hours from Wednesday 09:00: Wed 7.5 + Thu 7.5 + Fri 09:00–12:00, 13:30–16:00.
    assert d["resolution"].due_at == at(2026, 11, 27, 16)
    assert d["resolution"].paused_seconds == int((at(2026, 11, 25, 9) - at(2026, 11, 23, 12)).total_seconds())
    assert d["resolution"].pause_count == 1
    # A clock-hour target resumes with its clock time left: 24 h − 2 h.
    assert d["first_response"].due_at == at(2026, 11, 25, 9) + 22 * H
    actions_seen = list(Event.objects.filter(complaint=c, kind=EventKind.DEADLINE).values_list("action", flat=True))
    assert "deadlines_paused" in actions_seen and "deadlines_resumed" in actions_seen


def test_resolving_records_the_result_and_starts_the_callback_clock(register, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    clock.shift(3600)
    actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    d = clocks(c)
    assert d["resolution"].met is True and d["resolution"].done_at == START + H
    assert d["first_response"].state == "done"
    assert d["progress"].state == "stopped"
    assert d["callback"].due_at == START + H + 24 * H


def test_a_satisfied_callback_meets_the_callback_target(register, org, clock):
    c = register()
    for step in (actions.accept, actions.start):
        step(c.number, actor=org.hank)
    actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    clock.shift(3600)
    actions.record_satisfaction(c.number, actor=org.amy, scores={"response_speed": 5, "result": 5, "attitude": 5,
                                                                  "communication": 5})
    assert clocks(c)["callback"].met is True


def test_reopening_starts_a_new_resolution_cycle_and_keeps_the_old_record(register, org, clock):
    c = register()
    for step in (actions.accept, actions.start):
        step(c.number, actor=org.hank)
    actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    clock.shift(3600)
    actions.reopen(c.number, actor=org.amy, reason="客户反映商品仍有破损")
    rows = list(c.deadlines.filter(kind="resolution").order_by("cycle"))
    assert [(r.cycle, r.state) for r in rows] == [(1, "done"), (2, "running")]
    assert rows[1].started_at == START + H
    assert clocks(c)["acceptance"].cycle == 2


def test_reclassifying_recomputes_from_the_new_priority(register, org, clock):
    c = register()
    clock.shift(3600)
    actions.reclassify(c.number, actor=org.hank, changes={"severity": "urgent", "risk": "high"})
    c.refresh_from_db()
    assert c.priority == "A"
    d = clocks(c)
    assert d["first_response"].due_at == START + H  # 1 clock hour from receipt: overdue now
    # 4 working hours from receipt: 10:00–12:00 and 13:30–15:30.
    assert d["resolution"].due_at == at(2026, 11, 23, 15, 30)
    assert Event.objects.filter(complaint=c, action="deadlines_recomputed").exists()


def test_overriding_the_priority_recomputes_the_targets(register, org):
    c = register()
    actions.override_priority(c.number, actor=org.sam, priority="B", reason="客户为长期大客户")
    assert clocks(c)["first_response"].due_at == START + 4 * H
    assert clocks(c)["resolution"].due_at == START + 24 * H


def test_a_demand_change_restarts_the_resolution_clock(register, org, clock):
    c = register()
    clock.move_to(at(2026, 11, 24, 10))
    actions.change_demand(c.number, actor=org.hank, new_demand="改为全额退款", confirmation="客户电话确认")
    assert clocks(c)["resolution"].due_at == at(2026, 11, 27, 10)


def test_cancelling_stops_every_clock(register, org):
    c = register()
    actions.cancel(c.number, actor=org.sam, reason="重复登记")
    assert {d.state for d in clocks(c).values()} == {"stopped"}
    assert not c.deadlines.filter(next_check_at__isnull=False).exists()


def test_the_most_specific_policy_applies(register):
    from loopdesk.classification.models import ProblemType

    root = ProblemType.objects.get(code="logistics")
    late = ProblemType.objects.get(code="delivery_delay")
    SlaPolicy.objects.create(name="物流 C", priority="C", problem_type=root, first_response=Decimal(2),
                             resolution=Decimal(2), resolution_unit="working_days")
    SlaPolicy.objects.create(name="配送延迟 C", priority="C", problem_type=late, first_response=Decimal(3))
    SlaPolicy.objects.create(name="物流 B VIP", priority="B", problem_type=root, customer_level="vip",
                             first_response=Decimal("0.5"))
    by_root = register(problem_type="lost_damaged")
    by_sub_type = register()
    vip = register(problem_type="lost_damaged", customer={"phone": "13900009999", "level": "vip"})
    other = register(problem_type="rude")

    assert clocks(by_root)["first_response"].due_at == START + 2 * H
    assert clocks(by_root)["resolution"].due_at == at(2026, 11, 25, 10)
    assert clocks(by_sub_type)["first_response"].due_at == START + 3 * H
    assert "acceptance" not in clocks(by_sub_type)  # that policy has no acceptance target
    assert vip.priority == "B"  # the priority matrix lifts VIPs
    assert clocks(vip)["first_response"].due_at == START + H / 2
    assert clocks(other)["first_response"].due_at == START + 24 * H


def test_without_any_active_policy_the_built_in_defaults_apply(register):
    SlaPolicy.objects.update(active=False)
    c = register()
    assert clocks(c)["resolution"].due_at == at(2026, 11, 26, 10)
    assert clocks(c)["resolution"].policy_id is None
