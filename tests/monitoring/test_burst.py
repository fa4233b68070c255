"""The burst rule: count in the last window against the same-length windows before it.

Now is Monday 2026-11-23 10:00 Shanghai; windows are 24 h, the history 28 windows, k = 3, minimum 5.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loopdesk.core import config
from loopdesk.monitoring import burst
from loopdesk.monitoring.burst import Rule, baseline, detect, is_burst, raise_alerts
from loopdesk.monitoring.jobs import run_due
from loopdesk.monitoring.models import Alert
from loopdesk.notifications.models import OutboxMessage
from tests.escalation.support import START

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
DAY = timedelta(days=1)
RULE = Rule(window=DAY, history=28, k=3.0, min_count=5)


def history(craft, per_day: list[int], **fields) -> None:
    """per_day[i] complaints in history window i+1 (i days before the current window), mid-window."""
    for i, n in enumerate(per_day, start=1):
        for _ in range(n):
            craft(received_at=START - i * DAY - 12 * H, **fields)


def desk_open_for(craft, days: int = 60) -> None:
    """The desk's first complaint, long ago and of another type, so every history window counts."""
    craft(received_at=START - days * DAY, problem_type="invoice")


def today(craft, n: int, **fields) -> None:
    for j in range(n):
        craft(received_at=START - (j + 1) * timedelta(minutes=20), **fields)


# --- the statistics on their own -------------------------------------------------------------

def test_the_baseline_is_the_mean_plus_k_spreads():
    b = baseline([2, 4, 2, 4], k=3)
    s = math.sqrt(4 / 3)  # sample deviation of 2,4,2,4
    assert (b.mean, round(b.sd, 6)) == (3.0, round(s, 6))
    assert b.spread == pytest.approx(max(s, math.sqrt(3)))  # the Poisson floor is larger here
    assert b.threshold == pytest.approx(3 + 3 * math.sqrt(3))


def test_a_flat_history_has_a_floor_so_a_few_more_is_not_a_burst():
    b = baseline([10] * 28, k=3)
    assert b.sd == 0 and b.spread == pytest.approx(math.sqrt(10))
    assert not is_burst(18, [10] * 28, RULE)
    assert is_burst(20, [10] * 28, RULE)


def test_a_value_never_seen_needs_the_minimum_count():
    assert baseline([0] * 28, k=3).threshold == 3
    assert not is_burst(4, [0] * 28, RULE)
    assert is_burst(5, [0] * 28, RULE)


# --- against the database -----------------------------------------------------------------------

def test_a_type_well_above_its_history_is_a_burst(craft):
    history(craft, [1, 0, 2, 1] * 7)
    today(craft, 8)
    [b] = detect(rule=RULE)
    assert (b.dimension, b.value, b.observed) == ("type", "delivery_delay", 8)
    assert b.label == "配送延迟 / Late delivery"
    assert b.baseline.mean == 1.0 and b.baseline.threshold == pytest.approx(1 + 3 * 1.0)
    assert (b.window_start, b.window_end) == (START - DAY, START)


def test_the_same_count_is_normal_for_a_type_that_always_has_it(craft):
    history(craft, [7, 8, 9, 8] * 7)
    today(craft, 9)
    assert detect(rule=RULE) == []


def test_below_the_minimum_count_nothing_is_raised_however_quiet_the_history(craft):
    desk_open_for(craft)
    today(craft, 4)
    assert detect(rule=RULE) == []


def test_products_and_regions_are_watched_too(craft):
    history(craft, [1] * 28, problem_type=None, product="洗衣机X1", region="上海")
    today(craft, 6, problem_type=None, product="洗衣机X1", region="北京")
    found = {(b.dimension, b.value) for b in detect(rule=RULE)}
    assert found == {("product", "洗衣机X1"), ("region", "北京")}


def test_cancelled_complaints_and_complaints_outside_the_window_do_not_count(craft):
    desk_open_for(craft)
    today(craft, 4)
    craft(received_at=START - DAY - H)  # just before the current window
    craft(received_at=START - H, status="cancelled", cancelled_at=START)
    assert detect(rule=RULE) == []
    craft(received_at=START - DAY + H)
    assert len(detect(rule=RULE)) == 1


def test_no_baseline_before_a_week_of_history(craft):
    craft(received_at=START - 5 * DAY)  # the desk's first complaint
    today(craft, 30)
    assert burst.history_windows(START, RULE) == 4
    assert detect(rule=RULE) == []


def test_windows_before_the_first_complaint_are_not_read_as_quiet_days(craft):
    # 10 days of life with 6 a day: today's 8 is normal, though 28 windows of history would average 2.
    history(craft, [6] * 10)
    today(craft, 8)
    assert burst.history_windows(START, RULE) == 10
    assert detect(rule=RULE) == []


def test_detection_costs_a_few_grouped_queries_whatever_the_volume(craft):
    history(craft, [1, 2] * 14)
    today(craft, 9)
    today(craft, 7, problem_type="refund", product="P1", region="广州")
    with CaptureQueriesContext(connection) as ctx:
        found = detect(rule=RULE)
    assert {(b.dimension, b.value) for b in found} == {("type", "delivery_delay"), ("type", "refund"),
                                                       ("product", "P1"), ("region", "广州")}
    # The desk's age, then per dimension one count of the window and one of the history; type names once.
    assert len(ctx.captured_queries) == 1 + 3 * 2 + 1


def test_the_rule_is_read_from_the_configuration(craft):
    desk_open_for(craft)
    today(craft, 4)
    assert detect() == []  # below the default minimum of 5
    config.put("burst.min_count", 4)
    assert [b.observed for b in detect()] == [4]  # 4 > 0 + 3·1
    config.put("burst.k", 4.0)
    assert detect() == []  # 4 is not above 0 + 4·1


# --- raising alerts -----------------------------------------------------------------------------

def test_a_burst_raises_one_alert_and_notifies_the_monitors(craft, org):
    history(craft, [1] * 28)
    today(craft, 9)
    [alert] = raise_alerts(rule=RULE)
    assert (alert.kind, alert.dimension, alert.subject_value, alert.observed) == ("burst", "type",
                                                                                 "delivery_delay", 9)
    assert alert.threshold == pytest.approx(4.0) and alert.acknowledged_at is None
    [message] = OutboxMessage.objects.filter(event="alert.burst", channel="inbox")
    assert message.recipient == org.monty
    assert message.params["count"] == 9 and message.params["subject"] == "配送延迟 / Late delivery"


def test_the_same_burst_does_not_raise_again_within_its_window(craft, clock):
    history(craft, [1] * 28)
    today(craft, 9)
    assert len(raise_alerts(rule=RULE)) == 1
    clock.shift(15 * 60)
    assert raise_alerts(rule=RULE) == []
    clock.shift(23 * 3600)  # 23h15m after the first: still inside its window
    craft(received_at=START + 23 * H)
    assert raise_alerts(rule=RULE) == []
    clock.shift(3600)  # a full window later, and the complaints keep coming
    for _ in range(9):
        craft(received_at=START + 24 * H)
    assert len(raise_alerts(rule=RULE)) == 1
    assert Alert.objects.filter(kind="burst").count() == 2
    assert OutboxMessage.objects.filter(event="alert.burst", channel="inbox").count() == 2


def test_the_background_job_runs_the_burst_scan_when_due(craft, clock, settings):
    settings.LOOPDESK_BURST_SCAN_SECONDS = 900
    history(craft, [1] * 28)
    today(craft, 9)
    assert run_due()["burst_alerts"] == 1
    assert "burst_alerts" not in run_due()  # claimed a moment ago
    clock.shift(901)
    assert run_due()["burst_alerts"] == 0  # ran, found the same burst, raised nothing new
