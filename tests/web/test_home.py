"""The per-role home page: queues, deadlines, alerts, unread notifications."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint
from loopdesk.notifications.models import InboxItem


def _queue(html: str, key: str) -> str:
    start = html.index(f'id="q-{key}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_it_shows_a_handler_what_waits_for_acceptance(browser, complaint):
    c = complaint("new")
    html = browser("hank").get("/").content.decode()
    assert c.number in _queue(html, "to_accept")
    assert c.number not in _queue(html, "mine")


def test_it_shows_accepted_work_as_assigned_to_me(browser, complaint):
    c = complaint("in_progress")
    html = browser("hank").get("/").content.decode()
    assert c.number in _queue(html, "mine")
    assert "left" in _queue(html, "mine")  # the time left on the next deadline


def test_it_shows_overdue_complaints_with_how_late_they_are(browser, complaint):
    c = complaint("in_progress")
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        html = browser("hank").get("/").content.decode()
    overdue = _queue(html, "overdue")
    assert c.number in overdue and "overdue by" in overdue


def test_it_shows_a_supervisor_the_department_queue_and_unassigned_work(org, browser, complaint):
    mine = complaint("new")
    other = complaint("new", problem_type="feature_fault", subject="洗衣机无法启动", phone="13900001111")
    orphan = complaint("new", phone="13900002222")
    Complaint.objects.filter(pk=orphan.pk).update(owner=None)
    html = browser("sam").get("/").content.decode()
    dept = _queue(html, "department")
    assert mine.number in dept and orphan.number in dept
    assert other.number not in html  # tech support's complaint is not sam's business
    assert orphan.number in _queue(html, "unassigned")
    assert mine.number not in _queue(html, "unassigned")


def test_it_shows_a_manager_the_escalations(org, browser, complaint):
    c = complaint("in_progress")
    calm = complaint("in_progress", phone="13900003333", subject="换货")
    actions.escalate(c.number, actor=org.sam, reason="客户要求主管处理，一线无法解决")
    html = browser("mia").get("/").content.decode()
    escalations = _queue(html, "escalations")
    assert c.number in escalations and calm.number not in escalations


def test_it_shows_a_monitor_the_verification_queue_and_alerts(org, browser, complaint):
    done = complaint("resolved")
    risky = complaint("new", phone="13900004444", subject="要去12315投诉", risk="high")
    html = browser("monty").get("/").content.decode()
    assert done.number in _queue(html, "verification")
    assert risky.number not in _queue(html, "verification")
    assert 'id="alerts-h"' in html
    assert "High-risk complaints open" in html
    assert "To accept" not in html  # monitors own nothing


def test_it_shows_an_agent_the_callbacks_to_make(browser, complaint):
    c = complaint("callback_pending")
    html = browser("amy").get("/").content.decode()
    assert c.number in _queue(html, "callbacks")
    assert c.number in _queue(html, "registered")


def test_it_shows_the_unread_notification_count(org, browser, complaint):
    c = complaint("new")
    InboxItem.objects.create(user=org.hank, dedupe_key="t-1", event="assigned", complaint=c)
    n = InboxItem.objects.filter(user=org.hank, read_at__isnull=True).count()
    html = browser("hank").get("/").content.decode()
    assert f"{n} unread notification" in html


def test_it_lists_my_open_sub_tasks(org, browser, complaint):
    c = complaint("in_progress")
    actions.add_subtask(c.number, actor=org.ada, title="联系仓库核实库存", owner_id=org.holly.pk)
    html = browser("holly").get("/").content.decode()
    assert "联系仓库核实库存" in _queue(html, "subtasks")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_queues(org, browser, complaint, django_assert_max_num_queries):
    for i in range(2):
        complaint("in_progress" if i % 2 else "resolved", phone=f"1370000000{i}")
    few = {u: _queries(browser(u), "/") for u in ("amy", "hank", "sam", "mia", "monty", "ada")}
    for i in range(2, 12):
        complaint("in_progress" if i % 2 else "resolved", phone=f"137000000{i:02d}")
    many = {u: _queries(browser(u), "/") for u in few}
    assert many == few
    for u in few:
        with django_assert_max_num_queries(14):
            browser(u).get("/")
