"""Deadlines in the API: GET …/deadlines, the overdue / due-soon list filters, the complaint detail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.api import serialize
from loopdesk.complaints import actions
from tests.escalation.support import START

pytestmark = pytest.mark.django_db


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_the_deadlines_endpoint_shows_time_left_per_target(register, api, clock):
    c = register()
    clock.shift(30 * 60)
    body = api("amy").get(f"/complaints/{c.number}/deadlines").json()
    by_target = {d["target"]: d for d in body["deadlines"]}
    assert list(by_target) == ["acceptance", "first_response", "resolution"]
    assert by_target["acceptance"]["remaining_seconds"] == 30 * 60
    assert by_target["acceptance"]["overdue"] is False
    assert by_target["first_response"]["unit"] == "clock_hours"
    assert body["escalations"] == []


def test_overdue_shows_negative_time_left_and_a_met_target_shows_when(register, api, org, clock):
    c = register()
    clock.shift(2 * 3600)
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out", summary="致电客户说明")
    by_target = {d["target"]: d for d in api("amy").get(f"/complaints/{c.number}/deadlines").json()["deadlines"]}
    assert by_target["acceptance"]["overdue"] is True
    assert by_target["acceptance"]["remaining_seconds"] == -3600
    assert by_target["first_response"]["met"] is True and by_target["first_response"]["state"] == "done"


def test_a_paused_target_shows_what_is_left(register, api, org, clock):
    c = register()
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    clock.shift(3600)
    actions.wait_customer(c.number, actor=org.hank, reason="等客户回复")
    clock.shift(5 * 3600)
    by_target = {d["target"]: d for d in api("amy").get(f"/complaints/{c.number}/deadlines").json()["deadlines"]}
    assert by_target["first_response"]["state"] == "paused"
    assert by_target["first_response"]["remaining_seconds"] == 23 * 3600
    assert by_target["first_response"]["paused_seconds"] == 5 * 3600


def test_the_list_filters_overdue_and_due_soon(register, api, clock):
    overdue = register()
    clock.shift(50 * 60)  # overdue's acceptance is past 80 % (due soon)
    fresh = register()
    assert numbers(api("amy").get("/complaints", {"deadline": "due_soon"})) == {overdue.number}
    clock.shift(15 * 60)  # 65 minutes: overdue's acceptance is missed; fresh's is at 25 %
    assert numbers(api("amy").get("/complaints", {"deadline": "overdue"})) == {overdue.number}
    assert fresh.number not in numbers(api("amy").get("/complaints", {"deadline": "due_soon"}))


def test_an_unknown_deadline_filter_is_a_field_error(api, org):
    r = api("amy", "en").get("/complaints", {"deadline": "soonish"})
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["deadline"]


def test_the_complaint_detail_carries_the_deadlines(register, org):
    c = register()
    out = serialize.detail(c, org.amy)
    assert [d["target"] for d in out["deadlines"]] == ["acceptance", "first_response", "resolution"]
    assert out["deadlines"][0]["due_at"] == START + timedelta(hours=1)


def test_the_overdue_list_costs_the_same_queries_for_more_complaints(register, api, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries(count: int) -> int:
        for _ in range(count):
            register()
        clock.shift(2 * 3600)
        api("amy").get("/complaints", {"deadline": "overdue"})  # token use is recorded once a minute
        with CaptureQueriesContext(connection) as ctx:
            assert api("amy").get("/complaints", {"deadline": "overdue"}).status_code == 200
        return len(ctx.captured_queries)

    assert list_queries(2) == list_queries(10)


def test_a_missed_target_stays_overdue_after_it_was_escalated(register, api, clock):
    from loopdesk.escalation.sweep import run_sweep

    c = register()
    clock.shift(61 * 60)
    run_sweep()  # acceptance missed → L1 with a fresh hour
    assert numbers(api("amy").get("/complaints", {"deadline": "overdue"})) == {c.number}
    assert numbers(api("amy").get("/complaints", {"deadline": "due_soon"})) == set()
    by_target = {d["target"]: d for d in api("amy").get(f"/complaints/{c.number}/deadlines").json()["deadlines"]}
    assert by_target["acceptance"]["overdue"] is True and by_target["acceptance"]["remaining_seconds"] > 0
    assert by_target["acceptance"]["escalations"] == 1
