"""The improvement API: the whole path over HTTP, the role matrix, and field-level errors that
leave nothing half-saved."""

from __future__ import annotations

import pytest

from loopdesk.complaints.models import Event
from loopdesk.improvement import problems
from loopdesk.improvement.models import Cause, ImprovementAction, Problem, ProblemComplaint
from loopdesk.improvement.problems import CauseInput
from tests.improvement.conftest import MANAGERS, ROLES

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {"problems": Problem.objects.count(), "links": ProblemComplaint.objects.count(),
            "causes": Cause.objects.count(), "actions": ImprovementAction.objects.count(),
            "events": Event.objects.count()}


def test_the_whole_path_over_the_api(org, api, register, clock):
    a, b = register(), register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到，已经一周了")
    mia = api("mia", "en")
    r = mia.post("/improvement/problems", {"title": "洗衣机配送延迟", "problem_type": "delivery_delay",
                                           "product": "滚筒洗衣机 XQG100", "numbers": [a.number]})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["complaints"] == 1 and r.json()["status"] == "open"
    r = mia.get(f"/improvement/problems/{pid}/suggestions")
    assert [s["number"] for s in r.json()] == [b.number] and r.json()[0]["score"] >= 0.18
    r = mia.post(f"/improvement/problems/{pid}/complaints", {"numbers": [b.number]})
    assert [c["number"] for c in r.json()] == [b.number] and r.json()[0]["linked_by"]["username"] == "mia"
    assert [c["number"] for c in mia.get(f"/improvement/problems/{pid}/complaints").json()] == [a.number, b.number]
    timeline = api("hank", "en").get(f"/complaints/{b.number}/timeline").json()
    assert any(e["action"] == "link_problem" for e in timeline)
    r = mia._call("put", f"/improvement/problems/{pid}/analysis", {
        "what": "送达超时", "why": "分拣失误", "causes": [{"category": "man", "text": "培训不足"},
                                                   {"category": "environment", "text": "促销期单量翻倍"}]})
    assert r.status_code == 200 and r.json()["status"] == "analysing"
    assert r.json()["causes"] == [{"category": "man", "text": "培训不足"},
                                  {"category": "environment", "text": "促销期单量翻倍"}]
    clock.shift(3600)  # an hour after the complaints came in
    r = mia.post(f"/improvement/problems/{pid}/root-cause", {"root_cause": "无送达时效约定"})
    assert r.json()["status"] == "root_cause_confirmed" and r.json()["root_cause_confirmed_by"]["username"] == "mia"
    r = mia.post("/improvement/actions", {"problem_id": pid, "measure": "签订48小时送达协议",
                                          "metric": "weekly_complaints", "target_value": "0.5",
                                          "baseline_value": "2", "owner_id": org.hank.pk,
                                          "department_id": org.depts["logistics"].pk, "due_date": "2026-12-31"})
    assert r.status_code == 201, r.content
    action = r.json()
    assert action["metric_problem_type"]["code"] == "delivery_delay"  # from the problem
    assert action["metric_product"] == "滚筒洗衣机 XQG100" and action["status"] == "planned"
    hank = api("hank", "en")  # the owner reports progress
    assert hank.post(f"/improvement/actions/{action['id']}/start").json()["status"] == "in_progress"
    assert hank.post(f"/improvement/actions/{action['id']}/complete", {"result": "协议已签"}).json()["status"] == "done"
    effect = mia.get(f"/improvement/actions/{action['id']}/effect").json()
    assert effect["before"]["count"] == 2 and effect["lower_is_better"] is True and effect["final"] is False
    r = mia.post(f"/improvement/problems/{pid}/close")
    assert r.json()["status"] == "closed"
    assert mia._call("delete", f"/improvement/problems/{pid}/complaints/{a.number}").status_code == 409


@pytest.mark.parametrize("user", ROLES)
def test_the_role_matrix(org, api, register, user):
    logistics = register()  # hank and sam see it
    tech = register(problem_type="feature_fault", subject="洗衣机无法启动", description="按电源键没反应")
    seen = problems.create_problem(actor=org.mia, title="配送延迟", numbers=[logistics.number])
    unseen = problems.create_problem(actor=org.mia, title="无法启动", numbers=[tech.number])
    c = api(user, "en")
    before = counts()
    listed = c.get("/improvement/problems")
    one, other = c.get(f"/improvement/problems/{seen.pk}"), c.get(f"/improvement/problems/{unseen.pk}")
    create = c.post("/improvement/problems", {"title": "新问题"})
    patch = c._call("patch", f"/improvement/problems/{seen.pk}", {"title": "改名"})
    if user in MANAGERS:
        assert listed.status_code == one.status_code == other.status_code == patch.status_code == 200
        assert create.status_code == 201
        assert {p["id"] for p in listed.json()["items"]} >= {seen.pk, unseen.pk}
        return
    if user == "amy":  # agents take no part
        assert {listed.status_code, one.status_code, other.status_code, create.status_code,
                patch.status_code} == {403}
    else:  # handlers read problems of complaints they can see
        mine, not_mine = (seen, unseen) if user == "hank" else (unseen, seen)
        assert [p["id"] for p in listed.json()["items"]] == [mine.pk]
        assert c.get(f"/improvement/problems/{mine.pk}").status_code == 200
        assert c.get(f"/improvement/problems/{not_mine.pk}").status_code == 404
        assert create.status_code == 403
        assert c._call("patch", f"/improvement/problems/{mine.pk}", {"title": "改名"}).status_code == 403
        assert c._call("patch", f"/improvement/problems/{not_mine.pk}", {"title": "改名"}).status_code == 404
        assert c.get(f"/improvement/problems/{mine.pk}/suggestions").status_code == 403
        assert c.post(f"/improvement/problems/{mine.pk}/complaints", {"numbers": [tech.number]}).status_code == 403
    assert counts() == before
    assert Problem.objects.get(pk=seen.pk).title == "配送延迟"


@pytest.mark.parametrize("user", ROLES)
def test_actions_by_role(org, api, plan, user):
    own = plan(owner_id=org.hank.pk)  # hank owns it; no problem, so only managers and hank see it
    c = api(user, "en")
    get = c.get(f"/improvement/actions/{own.pk}")
    edit = c._call("patch", f"/improvement/actions/{own.pk}", {"measure": "改"})
    start = c.post(f"/improvement/actions/{own.pk}/start")
    expected = {"amy": (403, 403, 403), "hank": (200, 403, 200), "holly": (404, 404, 404)}.get(user, (200, 200, 200))
    assert (get.status_code, edit.status_code, start.status_code) == expected
    if expected[2] != 200:
        assert ImprovementAction.objects.get(pk=own.pk).status == "planned"


def test_bad_problem_input_is_reported_per_field(api, org):
    c = api("mia", "en")
    r = c.post("/improvement/problems", {"title": "", "problem_type": "nope", "owner_id": org.amy.pk})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"title", "problem_type", "owner_id"}
    assert r.json()["errors"]["title"] == ["This field is required."]
    r = c.post("/improvement/problems", {"title": "x", "colour": "red"})
    assert r.status_code == 422 and "colour" in r.json()["errors"]
    assert counts()["problems"] == 0


def test_bad_analysis_input_is_reported_per_field(api, problem):
    p = problem()
    problems.record_analysis(p.pk, actor=p.owner, why="旧原因", causes=[CauseInput("man", "旧")])
    r = api("mia", "en")._call("put", f"/improvement/problems/{p.pk}/analysis", {
        "why": "新原因", "causes": [{"category": "luck", "text": "x"}, {"category": "man", "text": "  "}]})
    assert r.status_code == 422
    assert "causes.0.category" in r.json()["errors"]
    p.refresh_from_db()
    assert p.why == "旧原因" and [c.text for c in p.causes.all()] == ["旧"]


def test_bad_action_input_is_reported_per_field(api, org, clock):
    c = api("mia", "en")
    good = {"measure": "培训", "metric": "satisfaction_rate", "baseline_value": "80", "target_value": "90",
            "owner_id": org.hank.pk, "department_id": org.depts["cs"].pk, "due_date": "2026-12-31"}
    cases = [
        ({"due_date": "2026-13-01"}, "due_date", "Enter a date as YYYY-MM-DD."),
        ({"due_date": "2026-11-22"}, "due_date", "The due date cannot be in the past."),
        ({"target_value": "120"}, "target_value", "Give a percentage from 0 to 100."),
        ({"target_value": "70"}, "target_value", "The target must be higher than the baseline (80.00)."),
        ({"target_value": "abc"}, "target_value", "Enter a number."),
        ({"owner_id": org.amy.pk}, "owner_id",
         "Choose an active handler, supervisor, manager, monitor or administrator."),
        ({"department_id": 999999}, "department_id", "Unknown department."),
        ({"evaluation_weeks": 0}, "evaluation_weeks", "Give a whole number of weeks from 1 to 26."),
        ({"measure": " "}, "measure", "This field is required."),
        ({"metric": "happiness"}, "metric", None),
    ]
    for change, field, message in cases:
        r = c.post("/improvement/actions", {**good, **change})
        assert r.status_code == 422, (change, r.content)
        assert field in r.json()["errors"], (change, r.json())
        if message:
            assert r.json()["errors"][field] == [message], change
    assert ImprovementAction.objects.count() == 0
    assert c.post("/improvement/actions", good).status_code == 201


def test_errors_come_in_the_callers_language(api, org):
    r = api("mia", "zh-hans").post("/improvement/problems", {"title": "", "owner_id": org.hank.pk})
    assert r.status_code == 422
    assert r.json()["errors"] == {"title": ["此字段为必填项。"]}
    r = api("mia", "zh-hans").post("/improvement/problems", {"title": "x", "product": "x" * 101})
    assert r.json()["errors"] == {"product": ["长度不能超过 100 个字符。"]}
    r = api("mia", "zh-hans").post("/improvement/actions", {
        "measure": "培训", "metric": "satisfaction_rate", "target_value": "90", "owner_id": org.hank.pk,
        "department_id": 999999, "due_date": "2026-12-31"})
    assert r.json()["errors"] == {"department_id": ["部门不存在。"]}


def test_lists_page_with_a_cursor(api, problem, plan):
    ids = [problem(title=f"问题{i}").pk for i in range(3)]
    c = api("mia", "en")
    r = c.get("/improvement/problems", {"limit": 2})
    assert [p["id"] for p in r.json()["items"]] == ids[::-1][:2]
    r = c.get("/improvement/problems", {"limit": 2, "cursor": r.json()["next_cursor"]})
    assert [p["id"] for p in r.json()["items"]] == [ids[0]] and r.json()["next_cursor"] is None
    assert c.get("/improvement/problems", {"limit": 0}).status_code == 422
    a = plan(problem_id=ids[0])
    assert [x["id"] for x in c.get("/improvement/actions", {"problem_id": ids[0]}).json()["items"]] == [a.pk]


def test_list_endpoints_cost_the_same_for_more_rows(org, api, problem, plan, register,
                                                    django_assert_max_num_queries):
    c = api("mia", "en")

    def make(n: int) -> None:
        for i in range(n):
            p = problem(title=f"问题{i}", numbers=[register().number])
            plan(problem_id=p.pk)

    make(2)
    c.get("/improvement/problems")  # the token's first use is written once
    with django_assert_max_num_queries(8) as few:
        c.get("/improvement/problems")
        c.get("/improvement/actions")
    make(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(c.get("/improvement/problems").json()["items"]) == 8
        assert len(c.get("/improvement/actions").json()["items"]) == 8


def test_a_complaint_can_be_taken_out_of_a_problem(api, register, problem):
    a = register()
    p = problem(numbers=[a.number])
    c = api("sam", "en")
    assert c._call("delete", f"/improvement/problems/{p.pk}/complaints/{a.number}").status_code == 204
    r = c._call("delete", f"/improvement/problems/{p.pk}/complaints/{a.number}")
    assert r.status_code == 422 and list(r.json()["errors"]) == ["number"]
    assert c.get(f"/improvement/problems/{p.pk}/complaints").json() == []
