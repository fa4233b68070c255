"""The report's columns on the complaint, kept by the domain through a complaint's real life.

`first_response_met` / `resolution_met` hold how the *first cycle* of each clock ended (met, missed,
or undecided: the report's definition), `survey_invited` and `rated` whether a survey link was sent and
a rating given. Complaints go through the real actions and the real sweep; each test ends by checking
the columns against the rows that record the facts (deadlines, survey links, ratings). The last test
wipes the columns and proves the migration's backfill gives the report the same figures.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loopdesk.complaints import actions, surveys
from loopdesk.complaints.models import Complaint, Satisfaction, Status, SurveyToken
from loopdesk.deadlines.engine import FIRST_CYCLE_COLUMNS, outcome
from loopdesk.deadlines.models import Deadline
from loopdesk.escalation.sweep import run_sweep
from loopdesk.reports.figures import compute
from loopdesk.reports.query import parse
from tests.escalation import support
from tests.escalation.support import at

pytestmark = pytest.mark.django_db
# The deadline tests' fixtures (time frozen on Monday 2026-11-23 10:00 Shanghai, complaints registered
# through the domain) instead of this folder's crafted November.
clock, register = support.clock, support.register
_fast_local_english, _fresh_memo = support._fast_local_english, support._fresh_memo
H = timedelta(hours=1)
HAPPY = {"response_speed": 5, "result": 5, "attitude": 5, "communication": 4}
UNHAPPY = {"response_speed": 4, "result": 1, "attitude": 4, "communication": 4}
COLUMNS = ("first_response_met", "resolution_met", "survey_invited", "rated")
backfill = importlib.import_module("loopdesk.complaints.migrations.0006_report_columns").backfill


def columns(c: Complaint) -> tuple:
    return Complaint.objects.filter(pk=c.pk).values_list(*COLUMNS).get()


def from_rows(c: Complaint) -> tuple:
    """What the columns must say, read from the rows that record each fact."""
    first = {r.kind: outcome(r.met, r.breached_at) for r in Deadline.objects.filter(complaint=c, cycle=1)}
    return (*(first.get(kind) for kind in FIRST_CYCLE_COLUMNS),
            SurveyToken.objects.filter(complaint=c).exists(), Satisfaction.objects.filter(complaint=c).exists())


def check(*complaints: Complaint) -> None:
    for c in complaints:
        assert columns(c) == from_rows(c), c.number


def handled(register, org) -> Complaint:
    """A C complaint (first response 24 clock hours, resolution 3 working days), accepted and in progress."""
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    return c


def call(c: Complaint, org) -> None:
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明进展")


def test_a_first_response_and_a_resolution_in_time_are_met(register, org, clock):
    c = handled(register, org)
    assert columns(c) == (None, None, False, False)
    clock.shift(3600)
    call(c, org)
    assert columns(c) == (True, None, False, False)
    clock.shift(3600)
    done = actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    assert columns(c) == (True, True, True, False)
    # The instance the action returns says the same: nothing later can save a stale value back.
    assert (done.resolution_met, done.survey_invited) == (True, True)
    check(c)


def test_a_late_first_response_is_missed_even_before_the_sweep_sees_it(register, org, clock):
    c = handled(register, org)
    clock.shift(25 * 3600)
    call(c, org)
    assert columns(c)[:2] == (False, None)
    check(c)


def test_a_breach_found_by_the_sweep_is_missed_at_once_and_stays_missed(register, org, clock):
    late = [handled(register, org) for _ in range(3)]
    clock.shift(25 * 3600)
    with CaptureQueriesContext(connection) as ctx:
        assert run_sweep().complaints == 3
    assert [columns(c)[:2] for c in late] == [(False, None)] * 3
    # The sweep's batch writes the column of all three complaints with one statement.
    assert sum('"first_response_met"' in q["sql"] and q["sql"].startswith("UPDATE") for q in ctx.captured_queries) == 1
    # Answered within the target re-armed at the new level: the first promise was still broken.
    clock.shift(3600)
    call(late[0], org)
    assert columns(late[0])[:2] == (False, None)
    check(*late)


def test_time_waiting_on_the_customer_does_not_count(register, org, clock):
    c = handled(register, org)
    clock.shift(2 * 3600)
    actions.wait_customer(c.number, actor=org.hank, reason="等待客户提供订单截图")
    clock.move_to(at(2026, 11, 30, 10))  # a week later: both targets long past on the wall clock
    run_sweep()
    assert columns(c)[:2] == (None, None)  # paused clocks are not due
    actions.resume(c.number, actor=org.hank)
    clock.shift(3600)
    actions.resolve(c.number, actor=org.hank, summary="客户补充材料后已补发")
    # 3 h of 24 h (first response) and 3 of 22.5 working hours (resolution) used.
    assert columns(c) == (True, True, True, False)
    check(c)


def test_a_clock_paused_after_its_due_time_is_still_missed(register, org, clock):
    c = handled(register, org)
    clock.shift(25 * 3600)
    actions.wait_customer(c.number, actor=org.hank, reason="等待客户提供订单截图")
    clock.shift(3600)
    actions.resume(c.number, actor=org.hank)  # nothing left of the target
    clock.shift(60)
    call(c, org)
    assert columns(c)[0] is False
    check(c)


def test_only_the_first_cycle_counts_after_a_reopen(register, org, clock):
    met_then_missed = handled(register, org)
    missed_then_met = handled(register, org)
    clock.shift(3600)
    actions.resolve(met_then_missed.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    actions.reopen(met_then_missed.number, actor=org.amy, reason="客户反映商品仍有破损")
    clock.move_to(at(2026, 11, 27, 10))  # past the first cycle's 3 working days
    actions.resolve(missed_then_met.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    assert columns(missed_then_met)[1] is False
    actions.reopen(missed_then_met.number, actor=org.amy, reason="客户反映商品仍有破损")
    for c in (met_then_missed, missed_then_met):
        actions.accept(c.number, actor=org.hank)
        actions.start(c.number, actor=org.hank)
    clock.shift(3600)
    actions.resolve(missed_then_met.number, actor=org.hank, summary="已换新，客户确认")  # cycle 2 met
    clock.move_to(at(2026, 12, 4, 10))
    run_sweep()  # cycle 2 of the other one is breached now
    assert Deadline.objects.get(complaint=met_then_missed, kind="resolution", cycle=2).breached_at is not None
    assert columns(met_then_missed)[1] is True
    assert columns(missed_then_met)[1] is False
    check(met_then_missed, missed_then_met)


def test_a_demand_change_restarts_the_first_cycle_but_not_a_miss(register, org, clock):
    missed, restarted = handled(register, org), handled(register, org)
    clock.move_to(at(2026, 11, 27, 10))  # past 3 working days: the sweep breaches both resolution clocks...
    actions.change_demand(restarted.number, actor=org.hank, new_demand="改为全额退款", confirmation="客户电话确认")
    run_sweep()  # ...but the changed demand restarted one of them (still its first cycle)
    assert (columns(missed)[1], columns(restarted)[1]) == (False, None)
    actions.change_demand(missed.number, actor=org.hank, new_demand="改为全额退款", confirmation="客户电话确认")
    clock.shift(3600)
    for c in (missed, restarted):
        actions.resolve(c.number, actor=org.hank, summary="已全额退款")
    assert (columns(missed)[1], columns(restarted)[1]) == (False, True)
    assert {d.cycle for d in Deadline.objects.filter(complaint__in=(missed, restarted), kind="resolution")} == {1}
    check(missed, restarted)


def test_a_cancelled_complaint_has_no_outcome(register, org, clock):
    c = register()
    clock.shift(3600)
    actions.cancel(c.number, actor=org.sam, reason="重复登记")
    clock.shift(30 * 24 * 3600)
    run_sweep()
    assert columns(c) == (None, None, False, False)
    check(c)


def test_survey_links_and_ratings_by_callback_or_link(register, org, clock):
    by_callback, by_link = handled(register, org), handled(register, org)
    for c in (by_callback, by_link):
        actions.resolve(c.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    assert columns(by_callback)[2:] == (True, False)
    actions.record_satisfaction(by_callback.number, actor=org.amy, scores=HAPPY)
    assert columns(by_callback)[2:] == (True, True)
    # A dissatisfied answer through the link reopens the complaint; the rating is written with the reopening.
    actions.submit_survey(surveys.current_token(by_link), scores=UNHAPPY)
    assert Complaint.objects.get(pk=by_link.pk).status == Status.REOPENED
    assert columns(by_link)[2:] == (True, True)
    # Resolved again: a new link, nothing to change.
    for step in (actions.accept, actions.start):
        step(by_link.number, actor=org.hank)
    actions.resolve(by_link.number, actor=org.hank, summary="已换新，客户确认")
    assert SurveyToken.objects.filter(complaint=by_link).count() == 2
    assert columns(by_link)[2:] == (True, True)
    check(by_callback, by_link)


def _summary(f) -> dict:
    rates = {"response": f.on_time_response, "resolution": f.on_time_resolution, "survey": f.survey_response}
    out = {k: (r.hits, r.total) for k, r in rates.items()}
    for p in f.by_priority:
        out[p.priority] = (p.count, p.on_time_response.hits, p.on_time_response.total, p.on_time_resolution.hits,
                           p.on_time_resolution.total)
    return out


def test_the_backfill_gives_the_columns_and_the_figures_the_domain_gives(register, org, clock):
    on_time, late, rated, open_, cancelled = (handled(register, org) for _ in range(5))
    clock.shift(3600)
    call(on_time, org)
    actions.resolve(on_time.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    actions.resolve(rated.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    actions.record_satisfaction(rated.number, actor=org.amy, scores=HAPPY)
    actions.cancel(cancelled.number, actor=org.sam, reason="重复登记")
    clock.shift(25 * 3600)
    run_sweep()  # late's and open_'s first response breached
    actions.resolve(late.number, actor=org.hank, summary="已补发并送达，客户确认收货")
    everyone = (on_time, late, rated, open_, cancelled)
    kept = {c.pk: columns(c) for c in everyone}
    assert len(set(kept.values())) == len(everyone)  # a real mix: met, missed, undecided, surveyed, rated
    q = parse(org.users["mia"], {"period": "month", "date": "2026-11-15"}).report_query()
    figures = _summary(compute(q))
    assert figures["response"] == (2, 4) and figures["survey"] == (1, 3)

    Complaint.objects.update(first_response_met=None, resolution_met=None, survey_invited=False, rated=False)
    assert _summary(compute(q))["response"] == (0, 0)
    backfill(django_apps, None)
    assert {c.pk: columns(c) for c in everyone} == kept
    assert _summary(compute(q)) == figures
    check(*everyone)
