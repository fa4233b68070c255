"""The improvement pages for every role, the forms that post to the domain functions, and the
entry points on shared pages (navigation, "Group into problem" on the complaint page)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from loopdesk.complaints.models import Event
from loopdesk.improvement.models import Cause, ImprovementAction, Problem, ProblemComplaint
from tests.improvement.conftest import MANAGERS, ROLES

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {"problems": list(Problem.objects.values()), "links": ProblemComplaint.objects.count(),
            "causes": Cause.objects.count(), "actions": list(ImprovementAction.objects.values()),
            "events": Event.objects.count()}


@pytest.fixture
def setting(org, register, problem, plan):
    """A logistics problem with one complaint and an action owned by hank, and a tech-support problem."""
    c = register()
    other = register(problem_type="feature_fault", subject="洗衣机无法启动", description="按电源键没反应")
    p = problem(numbers=[c.number])
    q = problem(title="洗衣机无法启动", problem_type="feature_fault", numbers=[other.number])
    a = plan(problem_id=p.pk, owner_id=org.hank.pk)
    return type("Setting", (), {"c": c, "other": other, "p": p, "q": q, "a": a})


@pytest.mark.parametrize("user", ROLES)
def test_every_page_answers_every_role(browser, setting, user):
    s = setting
    b = browser(user)
    pages = {"/improvement/": None, "/improvement/actions": None, f"/improvement/problems/{s.p.pk}": "hank",
             f"/improvement/problems/{s.q.pk}": "holly", f"/improvement/actions/{s.a.pk}": "hank",
             "/improvement/problems/new": "-", f"/improvement/problems/new?complaint={s.c.number}": "-"}
    for url, handler in pages.items():
        r = b.get(url)
        if user == "amy":
            expected = 403
        elif user in MANAGERS or handler is None:
            expected = 200
        elif handler == "-":
            expected = 403
        else:
            expected = 200 if handler == user else 404
        assert r.status_code == expected, (user, url)


def test_strangers_are_sent_to_sign_in(setting):
    anon = Client()
    for url in ("/improvement/", "/improvement/actions", f"/improvement/problems/{setting.p.pk}"):
        r = anon.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = anon.post(f"/improvement/problems/{setting.p.pk}/close")
    assert r.status_code == 302 and Problem.objects.get(pk=setting.p.pk).status == "open"


@pytest.mark.parametrize("user", ROLES)
def test_the_navigation_and_the_complaint_page_entry(browser, register, setting, user):
    b = browser(user)
    assert ('href="/improvement/"' in b.get("/").content.decode()) is (user != "amy")
    loose = register()  # a logistics complaint in no problem
    grouped, fresh = b.get(f"/complaints/{setting.c.number}"), b.get(f"/complaints/{loose.number}")
    if user == "holly":  # tech support does not see logistics complaints at all
        assert grouped.status_code == fresh.status_code == 404
        return
    assert (f"/improvement/problems/{setting.p.pk}" in grouped.content.decode()) is (user != "amy")
    assert (f"/improvement/problems/new?complaint={loose.number}" in fresh.content.decode()) is (user in MANAGERS)


def test_group_into_problem_from_a_complaint(org, browser, register):
    a = register()
    b = register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到，已经一周了")
    page = browser("sam").get(f"/complaints/{a.number}").content.decode()
    assert f"/improvement/problems/new?complaint={a.number}" in page
    r = browser("sam").get(f"/improvement/problems/new?complaint={a.number}")
    html = r.content.decode()
    assert b.number in html and "洗衣机快递还没送到" in html  # the similar complaint is offered
    r = browser("sam").post("/improvement/problems/new", {
        "complaint": a.number, "title": "洗衣机配送延迟", "problem_type": "delivery_delay",
        "product": "滚筒洗衣机 XQG100", "owner_id": org.sam.pk, "numbers": [a.number, b.number]})
    p = Problem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/improvement/problems/{p.pk}"
    assert set(p.complaints.values_list("number", flat=True)) == {a.number, b.number}
    assert Event.objects.filter(action="link_problem").count() == 2


def test_the_problem_page_forms(org, browser, register, problem):
    a = register()
    like = register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到，已经一周了")
    p = problem(numbers=[a.number])
    b = browser("mia")
    html = b.get(f"/improvement/problems/{p.pk}").content.decode()
    assert f'name="link-picked" value="{like.number}"' in html
    r = b.post(f"/improvement/problems/{p.pk}/link", {"link-picked": [like.number], "link-numbers": ""})
    assert r.status_code == 302 and p.links.count() == 2
    r = b.post(f"/improvement/problems/{p.pk}/analysis", {
        "analysis-what": "送达超时", "analysis-why": "分拣失误", "analysis-man": "培训不足\n新人多",
        "analysis-environment": "促销期单量翻倍", "analysis-machine": "", "analysis-material": "",
        "analysis-method": "", "analysis-when": "", "analysis-where": "", "analysis-who": "", "analysis-how": ""})
    assert r.status_code == 302
    assert [(c.category, c.text) for c in Cause.objects.filter(problem=p)] == [
        ("man", "培训不足"), ("man", "新人多"), ("environment", "促销期单量翻倍")]
    r = b.post(f"/improvement/problems/{p.pk}/root-cause", {"root-root_cause": "分拣员培训不足"})
    assert r.status_code == 302 and Problem.objects.get(pk=p.pk).status == "root_cause_confirmed"
    r = b.post(f"/improvement/problems/{p.pk}/actions/new", {
        "action-measure": "分拣员岗前培训", "action-metric": "weekly_complaints", "action-metric_problem_type":
        "delivery_delay", "action-metric_product": "", "action-baseline_value": "3", "action-target_value": "1",
        "action-owner_id": org.sam.pk, "action-department_id": org.depts["logistics"].pk,
        "action-due_date": "2026-12-20", "action-evaluation_weeks": "4"})
    assert r.status_code == 302
    action = ImprovementAction.objects.get()
    assert (action.problem, action.owner, action.due_date) == (p, org.sam, date(2026, 12, 20))
    page = b.get(f"/improvement/problems/{p.pk}").content.decode()
    assert "分拣员岗前培训" in page and "分拣员培训不足" in page


def test_bad_form_input_shows_the_page_again_and_saves_nothing(org, browser, problem):
    p = problem()
    b = browser("mia")
    before = counts()
    r = b.post(f"/improvement/problems/{p.pk}/actions/new", {
        "action-measure": "培训", "action-metric": "satisfaction_rate", "action-baseline_value": "80",
        "action-target_value": "70", "action-owner_id": org.sam.pk,
        "action-department_id": org.depts["logistics"].pk, "action-due_date": "2026-11-01",
        "action-evaluation_weeks": "4"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "The due date cannot be in the past." in html and "The target must be higher than the baseline" in html
    r = b.post(f"/improvement/problems/{p.pk}/root-cause", {"root-root_cause": "原因"})
    assert r.status_code == 409  # no analysis yet
    r = b.post(f"/improvement/problems/{p.pk}/analysis",
               {"analysis-why": "原因", "analysis-method": "流程缺失\n" + "长" * 501})
    assert r.status_code == 400
    html = r.content.decode()
    method_field = html[html.index('id="id_analysis-method"'):html.index('id="id_analysis-environment"')]
    assert "Use at most 500 characters." in method_field  # on the textarea the line was typed in
    r = b.post(f"/improvement/problems/{p.pk}/link", {"link-numbers": "20261123-TEL-9999"})
    assert r.status_code == 400 and "20261123-TEL-9999" in r.content.decode()
    assert counts() == before


@pytest.mark.parametrize("user", ["amy", "hank", "holly"])
def test_refused_posts_change_nothing(org, browser, setting, user):
    s = setting
    before = counts()
    b = browser(user)
    for url, data in [(f"/improvement/problems/{s.p.pk}/close", {}),
                      (f"/improvement/problems/{s.p.pk}/analysis", {"analysis-why": "x"}),
                      (f"/improvement/problems/{s.p.pk}/unlink/{s.c.number}", {}),
                      (f"/improvement/actions/{s.a.pk}/cancel", {"cancel-reason": "不做了"}),
                      ("/improvement/problems/new", {"title": "新问题"})]:
        r = b.post(url, data)
        assert r.status_code in (403, 404), (user, url, r.status_code)
    assert counts() == before


def test_the_owner_completes_the_action_and_sees_its_effect(org, browser, setting, clock):
    b = browser("hank")
    html = b.get(f"/improvement/actions/{setting.a.pk}").content.decode()
    assert "Complete" in html and "Edit the plan" not in html  # the owner reports, managers plan
    r = b.post(f"/improvement/actions/{setting.a.pk}/complete", {"complete-result": " "})
    assert r.status_code == 400 and ImprovementAction.objects.get(pk=setting.a.pk).status == "planned"
    r = b.post(f"/improvement/actions/{setting.a.pk}/complete", {"complete-result": "协议已签订"})
    assert r.status_code == 302 and ImprovementAction.objects.get(pk=setting.a.pk).status == "done"
    html = b.get(f"/improvement/actions/{setting.a.pk}").content.decode()
    assert "Effect: before and after" in html and "After completion" in html


def test_overdue_actions_are_highlighted(org, browser, plan, clock):
    late = plan(measure="逾期的措施", due_date=date(2026, 11, 24))
    plan(measure="按期的措施", due_date=date(2026, 12, 24))
    clock.move_to("2026-11-26T10:00:00+08:00")
    html = browser("monty").get("/improvement/actions").content.decode()
    row = html[html.index("逾期的措施") - 300: html.index("逾期的措施")]
    assert 'class="overdue"' in row
    html = browser("monty").get("/improvement/actions?show=overdue").content.decode()
    assert "逾期的措施" in html and "按期的措施" not in html
    assert 'overdue' in browser("monty").get(f"/improvement/actions/{late.pk}").content.decode()


def test_list_pages_cost_the_same_for_more_rows(org, browser, problem, plan, django_assert_max_num_queries):
    for i in range(3):
        p = problem(title=f"问题{i}")
        plan(problem_id=p.pk)
    b = browser("mia")
    b.get("/improvement/")  # warm the session
    with django_assert_max_num_queries(12) as first:
        b.get("/improvement/")
        b.get("/improvement/actions")
    for i in range(5):
        p = problem(title=f"更多{i}")
        plan(problem_id=p.pk)
    with django_assert_max_num_queries(len(first.captured_queries)):
        b.get("/improvement/")
        b.get("/improvement/actions")


def test_a_complaint_joins_an_open_problem_of_its_type(org, browser, register, problem):
    p = problem()
    closed = problem(title="旧问题")
    from loopdesk.improvement import problems as domain

    domain.close_problem(closed.pk, actor=org.mia)
    c = register()
    html = browser("monty").get(f"/improvement/problems/new?complaint={c.number}").content.decode()
    assert f"/improvement/problems/{p.pk}/link" in html and f"/improvement/problems/{closed.pk}/link" not in html
    r = browser("monty").post(f"/improvement/problems/{p.pk}/link", {"link-numbers": c.number})
    assert r.status_code == 302 and list(p.complaints.all()) == [c]


def test_a_handler_sees_only_the_complaints_they_may_see(org, browser, register, problem):
    mine = register()
    theirs = register(problem_type="feature_fault", subject="洗衣机无法启动", description="按电源键没反应")
    p = problem(numbers=[mine.number, theirs.number])
    html = browser("hank").get(f"/improvement/problems/{p.pk}").content.decode()
    assert mine.number in html and theirs.number not in html
    assert "Linked complaints you cannot see: 1." in html
    assert "Record the analysis" not in html and "Plan an improvement action" not in html
