"""Effect evaluation from the records: the metric in the weeks before an action started against
the weeks after it was completed, for each metric, with the clock moved through the weeks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopdesk.complaints import actions
from loopdesk.improvement import measures, metrics
from loopdesk.improvement.metrics import Scope
from tests.escalation.support import START, at

pytestmark = pytest.mark.django_db
XQG = "滚筒洗衣机 XQG100"


def received(clock, register, when, **over):
    clock.move_to(when)
    return register(**over)


def test_weekly_complaints_before_and_after(org, register, plan, clock, django_assert_num_queries):
    received(clock, register, at(2026, 11, 1))  # too early for the two weeks before
    for day in (10, 12, 16, 20):
        received(clock, register, at(2026, 11, day))
    received(clock, register, at(2026, 11, 18), problem_type="feature_fault", subject="洗衣机无法启动")
    received(clock, register, at(2026, 11, 18), product="变频空调 KFR-35GW")
    dup = received(clock, register, at(2026, 11, 19))
    actions.cancel(dup.number, actor=org.ada, reason="重复登记")  # cancelled: not a complaint

    clock.move_to(START)
    a = plan(baseline_value=None, target_value=Decimal("1"), metric_problem_type="delivery_delay",
             metric_product=XQG, evaluation_weeks=2)
    assert a.baseline_value == Decimal("2.00")  # measured: 4 complaints in 2 weeks
    measures.start_action(a.pk, actor=org.sam)
    received(clock, register, at(2026, 11, 25))  # while the action runs: in neither period
    clock.move_to(at(2026, 11, 30))
    measures.complete_action(a.pk, actor=org.sam, result="协议已签订并执行")
    received(clock, register, at(2026, 12, 3))

    clock.move_to(at(2026, 12, 7))
    a.refresh_from_db()
    e = metrics.evaluate(a)
    assert (e.before.start, e.before.end, e.before.value, e.before.count) == (
        at(2026, 11, 9), START, Decimal("2.00"), 4)
    assert (e.after.start, e.after.end, e.after.value, e.after.count) == (
        at(2026, 11, 30), at(2026, 12, 7), Decimal("1.00"), 1)
    assert e.final is False

    clock.move_to(at(2026, 12, 20))  # two weeks after completion have passed
    with django_assert_num_queries(2):
        e = metrics.evaluate(a)
    assert (e.after.end, e.after.value, e.after.count, e.final) == (at(2026, 12, 14), Decimal("0.50"), 1, True)
    assert (e.change, e.improved, e.target_met) == (Decimal("-1.50"), True, True)


def _rated(org, c, result: int) -> None:
    n = c.number
    actions.accept(n, actor=org.ada)
    actions.start(n, actor=org.ada)
    actions.resolve(n, actor=org.ada, summary="已补发，客户签收")
    actions.request_callback(n, actor=org.ada)
    actions.record_satisfaction(n, actor=org.ada, scores={"response_speed": result, "result": result,
                                                          "attitude": result, "communication": result})


def test_satisfaction_rate_before_and_after(org, register, plan, clock):
    for day, score in ((10, 5), (12, 4), (16, 1)):
        _rated(org, received(clock, register, at(2026, 11, day)), score)
    clock.move_to(START)
    a = plan(metric="satisfaction_rate", baseline_value=None, target_value=Decimal("90"),
             metric_problem_type="delivery_delay", metric_product="", evaluation_weeks=2)
    assert a.baseline_value == Decimal("66.67")
    measures.complete_action(a.pk, actor=org.mia, result="话术培训完成")
    for day in (25, 26):
        _rated(org, received(clock, register, at(2026, 11, day)), 5)
    clock.move_to(at(2026, 12, 8))
    a.refresh_from_db()
    e = metrics.evaluate(a)
    assert (e.before.value, e.before.count, e.after.value, e.after.count) == (
        Decimal("66.67"), 3, Decimal("100.00"), 2)
    assert (e.lower_is_better, e.improved, e.target_met, e.final) == (False, True, True, True)


def test_on_time_resolution_rate_before_and_after(org, register, plan, clock):
    def resolve(c, when):
        clock.move_to(when)
        actions.accept(c.number, actor=org.ada)
        actions.start(c.number, actor=org.ada)
        actions.resolve(c.number, actor=org.ada, summary="已处理")

    late = received(clock, register, at(2026, 10, 1))
    resolve(late, at(2026, 11, 12))  # six weeks later: missed
    on_time = received(clock, register, at(2026, 11, 16))
    resolve(on_time, at(2026, 11, 16, 11))
    clock.move_to(START)
    a = plan(metric="on_time_resolution_rate", baseline_value=Decimal("50"), target_value=Decimal("95"),
             metric_problem_type="logistics", evaluation_weeks=2)  # a root type covers its sub-types
    measures.complete_action(a.pk, actor=org.mia, result="处理时限纳入考核")
    quick = received(clock, register, at(2026, 11, 24))
    resolve(quick, at(2026, 11, 24, 11))
    clock.move_to(at(2026, 11, 28))
    a.refresh_from_db()
    e = metrics.evaluate(a)
    assert (e.before.value, e.before.count) == (Decimal("50.00"), 2)
    assert (e.after.value, e.after.count, e.final) == (Decimal("100.00"), 1, False)
    assert e.improved and e.target_met


def test_repeat_rate_counts_repeat_complaints(org, register, clock):
    received(clock, register, at(2026, 11, 10), phone="13811112222")
    again = received(clock, register, at(2026, 11, 11), phone="13811112222")
    assert again.is_repeat
    received(clock, register, at(2026, 11, 12))
    reading = metrics.measure("repeat_rate", Scope(), at(2026, 11, 9), at(2026, 11, 16))
    assert (reading.value, reading.count) == (Decimal("33.33"), 3)


def test_periods_without_records_have_no_value(org, clock):
    assert metrics.measure("satisfaction_rate", Scope(), at(2026, 11, 1), START).value is None
    assert metrics.measure("weekly_complaints", Scope(), at(2026, 11, 9), START).value == Decimal("0.00")
    assert metrics.measure("weekly_complaints", Scope(), START, START).value is None


def test_an_open_action_shows_a_provisional_reading_and_a_cancelled_one_none(org, register, plan, clock):
    a = plan(evaluation_weeks=1)
    received(clock, register, at(2026, 11, 24))
    clock.move_to(at(2026, 11, 26))
    e = metrics.evaluate(a)
    assert (e.after.start, e.after.end, e.after.count, e.final) == (START, at(2026, 11, 26), 1, False)
    measures.cancel_action(a.pk, actor=org.mia, reason="方案调整")
    a.refresh_from_db()
    assert metrics.evaluate(a).after is None
