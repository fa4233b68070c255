"""Every figure of a crafted November, by hand: the same numbers on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from loopdesk.complaints.models import Complaint
from loopdesk.reports.figures import compute
from loopdesk.reports.query import parse

pytestmark = pytest.mark.django_db


def report(org, user: str = "mia", **params):
    return compute(parse(org.users[user], {"period": "month", "date": "2026-11-15", **params}).report_query())


def test_it_counts_the_month_and_the_month_before(org, november):
    f = report(org)
    assert f.total == 5
    assert f.previous_total == 1  # 10-31 23:00 is in the 30 days before; 12-01 00:00 is in neither
    assert f.cancelled == 0


def test_the_trend_has_one_point_per_day(org, november):
    f = report(org)
    assert len(f.trend) == 30
    by_day = {p.start.day: p.count for p in f.trend if p.count}
    assert by_day == {2: 2, 9: 1, 16: 1, 30: 1}
    assert f.trend[0].start.isoformat() == "2026-11-01T00:00:00+08:00"


def test_first_response_and_handling_times_with_percentiles(org, november):
    f = report(org)
    # First responses after 30 min, 2 h, 1 h and 4 h: [1800, 3600, 7200, 14400] seconds.
    assert f.first_response.count == 4
    assert f.first_response.avg == pytest.approx(6750, abs=1)
    assert f.first_response.p50 == pytest.approx(5400, abs=1)  # halfway between 3600 and 7200
    assert f.first_response.p90 == pytest.approx(12240, abs=1)  # 7200 + 0.7 × 7200
    # Resolved after 3 h, 10 h and 20 h.
    assert f.handling.count == 3
    assert f.handling.avg == pytest.approx(39600, abs=1)
    assert f.handling.p50 == pytest.approx(36000, abs=1)
    assert f.handling.p90 == pytest.approx(64800, abs=1)


def test_registration_delay(org, november):
    f = report(org)
    # Delays 5, 20, 1, 0 and 10 minutes: four within 15 minutes.
    assert (f.registered_in_time.hits, f.registered_in_time.total) == (4, 5)
    assert f.registration.p50 == pytest.approx(300, abs=1)
    assert f.registration.avg == pytest.approx(432, abs=1)


def test_on_time_rates_per_priority(org, november):
    f = report(org)
    prio = {p.priority: p for p in f.by_priority}
    assert [p.priority for p in f.by_priority] == ["A", "B", "C"]
    assert [prio[p].count for p in "ABC"] == [2, 1, 2]
    assert (prio["A"].on_time_response.hits, prio["A"].on_time_response.total) == (1, 2)
    assert (prio["B"].on_time_response.hits, prio["B"].on_time_response.total) == (1, 1)
    # #4's first response clock is still running and not yet due: left out until it has an outcome.
    assert (prio["C"].on_time_response.hits, prio["C"].on_time_response.total) == (1, 1)
    assert (prio["A"].on_time_resolution.hits, prio["A"].on_time_resolution.total) == (1, 2)
    assert prio["B"].on_time_resolution.value is None
    # #4's resolution is overdue while still open: it already counts as missed.
    assert (prio["C"].on_time_resolution.hits, prio["C"].on_time_resolution.total) == (1, 2)
    assert (f.on_time_response.hits, f.on_time_response.total) == (3, 4)
    assert (f.on_time_resolution.hits, f.on_time_resolution.total) == (2, 4)


def test_satisfaction_per_priority_and_dimension_against_targets(org, november):
    f = report(org)
    prio = {p.priority: p for p in f.by_priority}
    a, c = prio["A"], prio["C"]
    assert (a.satisfaction.hits, a.satisfaction.total, a.satisfaction.target) == (1, 2, 0.90)
    assert a.satisfaction.meets is False
    assert (c.satisfaction.hits, c.satisfaction.total, c.satisfaction.target) == (1, 1, 0.85)
    assert c.satisfaction.meets is True
    assert prio["B"].satisfaction.total == 0 and prio["B"].satisfaction.meets is None
    assert {k: (r.hits, r.total) for k, r in a.dimensions.items()} == {
        "response_speed": (1, 2), "result": (1, 2), "attitude": (2, 2), "communication": (2, 2)}
    assert (f.satisfaction.hits, f.satisfaction.total) == (2, 3)
    assert (f.dimensions["attitude"].hits, f.dimensions["attitude"].total) == (3, 3)


def test_survey_repeat_and_completeness_rates(org, november):
    f = report(org)
    assert (f.survey_response.hits, f.survey_response.total) == (3, 4)
    assert f.survey_response.meets is True  # 75 % ≥ 15 %
    assert (f.repeat.hits, f.repeat.total) == (1, 5)
    # #2 is resolved without a resolution summary; #4 has no core demand.
    assert (f.completeness.hits, f.completeness.total) == (3, 5)
    assert f.completeness.meets is False


def test_distributions_and_top_types(org, november):
    f = report(org)

    def dist(name):
        return {s.key: s.count for s in f.distributions[name]}

    assert dist("channel") == {"TEL": 2, "MAIL": 1, "WEB": 1, "CHAT": 1}
    assert dist("priority") == {"A": 2, "B": 1, "C": 2}
    assert dist("region") == {"上海": 4, "北京": 1}
    assert dist("product") == {"洗衣机": 2, "": 3}
    owners = {s.label: s.count for s in f.distributions["owner"] if s.key}
    assert owners == {"Hank": 2, "Holly": 1, "Amy": 1}
    assert dist("owner")[""] == 1  # unassigned
    depts = {s.label: s.count for s in f.distributions["department"]}
    assert depts == {"物流协调部": 3, "技术支持部": 1, "客服中心": 1}
    top = f.top_types
    assert top[0].label == "配送延迟" and top[0].count == 3 and top[0].share == pytest.approx(0.6)
    assert sum(s.count for s in top) == 5


@pytest.mark.parametrize(("params", "total"), [
    ({"priority": "A"}, 2), ({"channel": "TEL,MAIL"}, 3), ({"problem_type": "logistics"}, 3),
    ({"problem_type": "delivery_delay"}, 3), ({"department": "tech"}, 1), ({"owner": "hank"}, 2),
    ({"region": "北京"}, 1), ({"product": "洗衣机"}, 2), ({"channel": "TEL", "owner": "holly"}, 0),
])
def test_each_filter_narrows_every_figure(org, november, params, total):
    f = report(org, **params)
    assert f.total == total
    assert sum(p.count for p in f.by_priority) == total
    assert sum(s.count for s in f.distributions["channel"]) == total


def test_a_priority_filter_gives_that_prioritys_times(org, november):
    f = report(org, priority="A")
    assert f.first_response.count == 2 and f.first_response.p50 == pytest.approx(4500, abs=1)


def test_a_supervisor_sees_only_their_departments(org, november):
    f = report(org, "sam")  # supervisor of logistics: #1, #2, #4
    assert f.total == 3
    assert {s.key for s in f.distributions["department"]} == {str(org.depts["logistics"].pk)}


def test_a_week_and_a_day_and_a_custom_period(org, november):
    week = report(org, period="week", date="2026-11-04")  # Monday 11-02 to Sunday 11-08
    assert week.total == 2 and len(week.trend) == 7 and week.query.bucket == "day"
    day = report(org, period="day", date="2026-11-02")
    assert day.total == 2 and len(day.trend) == 24
    assert {p.start.hour: p.count for p in day.trend if p.count} == {9: 1, 10: 1}
    custom = report(org, period="custom", date_from="2026-11-09", date_to="2026-11-30", bucket="week")
    assert custom.total == 3
    assert [p.count for p in custom.trend] == [1, 1, 0, 1]  # weeks from Mondays 11-09, 16, 23, 30


def test_an_empty_period_has_no_rates(org, november):
    f = report(org, date="2026-06-15")
    assert f.total == 0
    assert f.completeness.value is None and f.first_response.p50 is None and f.by_priority == []


def test_the_migration_backfill_gives_the_same_figures(org, november):
    """The columns filled from the deadline, survey-link and rating rows give every hand-counted figure."""
    backfill = importlib.import_module("loopdesk.complaints.migrations.0006_report_columns").backfill
    Complaint.objects.update(first_response_met=None, resolution_met=None, survey_invited=False, rated=False)
    backfill(django_apps, None)
    f = report(org)
    assert (f.on_time_response.hits, f.on_time_response.total) == (3, 4)
    assert (f.on_time_resolution.hits, f.on_time_resolution.total) == (2, 4)
    assert (f.survey_response.hits, f.survey_response.total) == (3, 4)
    prio = {p.priority: p for p in f.by_priority}
    assert (prio["C"].on_time_resolution.hits, prio["C"].on_time_resolution.total) == (1, 2)  # #4 overdue, open
    assert prio["B"].on_time_resolution.value is None  # #3 still running
