"""Every web view against every role: sign-in required, outsiders see nothing (404), actions a
person may not take now are refused (403/409) and change nothing, CSRF is enforced."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from loopdesk.complaints import actions
from loopdesk.complaints.access import available_actions
from loopdesk.complaints.models import Complaint
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.monitoring.access import visible_findings
from loopdesk.monitoring.models import Finding
from loopdesk.web.models import SavedView
from tests.web.conftest import ROLES, snapshot

GET_PAGES = ["/", "/complaints", "/complaints/new", "/complaints/new/customers?phone=1381",
             "/complaints/new/suggest?subject=快递", "/complaints/new/checks?phone=13812341234",
             "/complaints/export.xlsx", "/complaints/{n}"]
REGISTERS = {"amy", "hank", "holly", "sam", "mia", "ada"}
SHOWN_ELSEWHERE = {"attach", "complete_subtask"}  # upload form and per-sub-task forms, not action panels


def test_strangers_are_sent_to_sign_in(org, complaint):
    c = complaint("new")
    anon = Client()
    for url in GET_PAGES:
        r = anon.get(url.format(n=c.number))
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url
    for url in ["/complaints/new", "/complaints/bulk-assign", "/complaints/views", "/complaints/views/1/delete",
                f"/complaints/{c.number}/contact", f"/complaints/{c.number}/accept",
                f"/complaints/{c.number}/subtasks/1/complete"]:
        r = anon.post(url, {"accept-note": "x"})
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    assert Complaint.objects.get(pk=c.pk).status == "new"


@pytest.mark.parametrize("user", ROLES)
def test_every_page_answers_every_role(org, browser, complaint, user):
    c = complaint("new")  # delivery problem: logistics; registered by amy
    for url in GET_PAGES:
        r = browser(user).get(url.format(n=c.number))
        if url.startswith("/complaints/new"):
            expected = 200 if user in REGISTERS else 403
        elif url == "/complaints/{n}" and user == "holly":
            expected = 404  # tech support has no business with a delivery complaint
        else:
            expected = 200
        assert r.status_code == expected, (user, url)


@pytest.mark.parametrize("user", ["hank", "sam"])
def test_outsiders_get_not_found_for_complaints_they_cannot_see(org, browser, complaint, user):
    c = complaint("in_progress", problem_type="feature_fault", subject="洗衣机无法启动")  # tech support's
    c.subtasks.create(title="检测主板", owner=org.holly)
    task = c.subtasks.get()
    before = snapshot(c.number)
    b = browser(user)
    assert b.get(f"/complaints/{c.number}").status_code == 404
    assert b.post(f"/complaints/{c.number}/contact").status_code == 404
    for action in TRANSITIONS:
        assert b.post(f"/complaints/{c.number}/{action}", {f"{action}-reason": "x"}).status_code == 404, action
    r = b.post(f"/complaints/{c.number}/subtasks/{task.pk}/complete", {f"complete_subtask-{task.pk}-result": "x"})
    assert r.status_code == 404
    assert c.number not in b.get("/complaints").content.decode()
    assert snapshot(c.number) == before


@pytest.mark.parametrize("state", ["new", "in_progress", "solution_pending_approval", "resolved", "closed"])
def test_each_role_is_offered_exactly_what_it_may_do(org, browser, complaint, state):
    c = complaint(state)
    for user in ROLES:
        page = browser(user).get(f"/complaints/{c.number}")
        if page.status_code == 404:
            assert user == "holly"
            continue
        may = {t.action for t in available_actions(org.users[user], c)}
        offered = set(re.findall(r'id="act-([a-z_]+)"', page.content.decode()))
        assert offered == may - SHOWN_ELSEWHERE, (user, state)


@pytest.mark.parametrize("state", ["new", "resolved"])
def test_each_role_is_refused_what_it_may_not_do_and_nothing_changes(org, browser, complaint, state):
    c = complaint(state)
    for user in ROLES:
        if user == "holly":
            continue  # cannot see it: covered by the not-found test
        b = browser(user)
        may = {t.action for t in available_actions(org.users[user], c)}
        before = snapshot(c.number)
        for action in set(TRANSITIONS) - may - {"complete_subtask"}:  # that one is posted per sub-task
            r = b.post(f"/complaints/{c.number}/{action}", {f"{action}-reason": "理由充分的说明"})
            assert r.status_code in (403, 409), (user, state, action, r.status_code)
            assert "Nothing was changed:" in r.content.decode()
        assert snapshot(c.number) == before, (user, state)


def test_only_own_saved_views_can_be_deleted(org, browser):
    view = SavedView.objects.create(user=org.sam, name="A", querystring="priority=A")
    for user in ROLES:
        if user != "sam":
            browser(user).post(f"/complaints/views/{view.pk}/delete")
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_csrf_is_enforced_on_posts(org, browser, complaint):
    c = complaint("new")
    strict = browser("hank", csrf=True)
    before = snapshot(c.number)
    for url, data in [(f"/complaints/{c.number}/accept", {}), (f"/complaints/{c.number}/contact", {}),
                      ("/complaints/new", {"subject": "x"}), ("/complaints/views", {"name": "x"}),
                      ("/complaints/bulk-assign", {"numbers": c.number, "owner": org.hank.pk})]:
        assert strict.post(url, data).status_code == 403, url
    assert snapshot(c.number) == before and not SavedView.objects.exists()
    strict.get(f"/complaints/{c.number}")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    r = strict.post(f"/complaints/{c.number}/accept", {"csrfmiddlewaretoken": token})
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).status == "accepted"


def test_get_only_pages_refuse_posts_and_post_only_endpoints_refuse_gets(org, browser, complaint):
    c = complaint("new")
    b = browser("ada")
    assert b.post("/complaints").status_code == 405
    assert b.post("/complaints/export.xlsx").status_code == 405
    assert b.get(f"/complaints/{c.number}/accept").status_code == 405
    assert b.get(f"/complaints/{c.number}/contact").status_code == 405
    assert b.get("/complaints/bulk-assign").status_code == 405


def test_open_findings_on_the_complaint_page_follow_the_monitoring_access_rules(org, browser, complaint):
    ours = complaint("in_progress")  # logistics: sam supervises it
    theirs = complaint("in_progress", problem_type="feature_fault", subject="洗衣机无法启动")  # tech support's
    actions.add_co_handler(theirs.number, actor=org.ada, user_id=org.sam.pk)  # sam sees it, not its findings
    findings = {c.number: Finding.objects.create(check_name="missing_required_fields", complaint=c,
                                                 detail={"fields": ["description"]}) for c in (ours, theirs)}
    for user in ROLES:
        for number, f in findings.items():
            page = browser(user).get(f"/complaints/{number}")
            if page.status_code == 404:
                continue
            shown = f'id="finding-{f.pk}"' in page.content.decode()
            assert shown == visible_findings(org.users[user]).filter(pk=f.pk).exists(), (user, number)
    seen = {u for u in ROLES if f'id="finding-{findings[ours.number].pk}"' in
            browser(u).get(f"/complaints/{ours.number}").content.decode()}
    assert seen == {"sam", "mia", "monty", "ada"}
    assert f'id="finding-{findings[theirs.number].pk}"' not in browser("sam").get(
        f"/complaints/{theirs.number}").content.decode()
