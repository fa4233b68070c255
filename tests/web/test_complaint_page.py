"""The complaint page: fields, masked contact and its audited reveal, clocks, timeline, records,
attachments, and only the actions the person may take now."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import actions, attachments
from loopdesk.complaints.models import Event
from loopdesk.monitoring.models import Finding
from tests.web.conftest import PNG


def offered(html: str) -> set[str]:
    return set(re.findall(r'id="act-([a-z_]+)"', html))


def test_it_shows_the_complaint_with_contact_masked(org, browser, complaint):
    c = complaint("accepted", phone="13812341234", customer_name="张先生")
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    for text in (c.number, c.subject, c.description, "张先生", "138****1234", "Logistics coordination", "Hank",
                 "Late delivery", "Show full contact"):
        assert text in html, text
    assert "13812341234" not in html


def test_revealing_the_contact_is_audited_and_on_the_timeline(org, browser, complaint):
    c = complaint("new", phone="13812341234")
    r = browser("amy").post(f"/complaints/{c.number}/contact")
    assert r.status_code == 200 and "13812341234" in r.content.decode()
    assert AuditLog.objects.filter(action="reveal_contact", target=c.number, actor=org.amy).count() == 1
    assert Event.objects.filter(complaint=c, kind="contact_revealed").exists()
    # Reloading the page masks it again.
    assert "13812341234" not in browser("amy").get(f"/complaints/{c.number}").content.decode()


def test_the_reveal_over_htmx_returns_only_the_contact_block(org, browser, complaint):
    c = complaint("new", phone="13812341234")
    r = browser("amy").post(f"/complaints/{c.number}/contact", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.startswith('<div id="contact"') and "13812341234" in html


def test_people_who_may_not_see_contact_data_get_no_button_and_a_refusal(org, browser, complaint):
    c = complaint("new", phone="13812341234")
    assert "Show full contact" not in browser("monty").get(f"/complaints/{c.number}").content.decode()
    r = browser("monty").post(f"/complaints/{c.number}/contact")
    assert r.status_code == 403 and "13812341234" not in r.content.decode()
    assert not AuditLog.objects.filter(action="reveal_contact").exists()


def test_it_shows_the_deadline_clocks(browser, complaint):
    c = complaint("in_progress")
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    deadlines = html[html.index('id="deadlines"'):]
    assert "Resolution" in deadlines and "left" in deadlines and "met" in deadlines


def test_the_timeline_shows_who_did_what_before_and_after(org, browser, complaint):
    c = complaint("accepted")
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    timeline = html[html.index('id="timeline"'):]
    assert "Registered" in timeline and "Amy" in timeline
    assert re.search(r"<del>New</del> → <ins>Accepted</ins>", timeline)


def test_the_timeline_reads_in_words_and_names_not_codes(org, browser, complaint):
    c = complaint("accepted")
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    zh.force_login(org.hank)
    for client, words in ((browser("hank"), ["department", "Logistics coordination", "owner", "Hank",
                                             "routed", "deadlines set", "acceptance"]),
                          (zh, ["部门", "物流协调部", "负责人", "分派", "设定时效", "受理时限"])):
        html = client.get(f"/complaints/{c.number}").content.decode()
        timeline = html[html.index('id="timeline"'):html.index("</ol>", html.index('id="timeline"'))]
        for word in words:
            assert word in timeline, word
        # Stored codes (department code, username, action code) are never shown raw.
        assert ">logistics<" not in timeline and ">hank<" not in timeline and "deadlines_set" not in timeline


def test_it_shows_notes_communications_sub_tasks_solutions_and_satisfaction(org, browser, complaint):
    c = complaint("in_progress")
    n, ada = c.number, org.ada
    actions.add_note(n, actor=ada, text="已联系仓库，明天补发")
    actions.log_communication(n, actor=ada, channel="phone", direction="out", summary="告知客户明天补发")
    actions.add_subtask(n, actor=ada, title="仓库核实库存", owner_id=org.hank.pk)
    actions.complete_subtask(n, c.subtasks.get().pk, actor=ada, result="有库存")
    actions.propose_solution(n, actor=ada, measures="补发新机并赠送优惠券")
    actions.record_response(n, actor=ada, response="accepted")
    actions.resolve(n, actor=ada, summary="已补发")
    actions.record_satisfaction(n, actor=org.amy, scores={"response_speed": 5, "result": 4, "attitude": 5,
                                                           "communication": 4}, comment="满意")
    html = browser("ada").get(f"/complaints/{n}").content.decode()
    for text in ("已联系仓库，明天补发", "告知客户明天补发", "仓库核实库存", "有库存", "补发新机并赠送优惠券", "满意"):
        assert text in html, text


def test_attachments_are_listed_and_download_through_the_api_with_the_session(org, browser, complaint):
    c = complaint("in_progress")
    att = attachments.store(c, SimpleUploadedFile("receipt.png", PNG), actor=org.ada)
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    link = f"/api/v1/complaints/{c.number}/attachments/{att.pk}"
    assert link in html and "receipt.png" in html
    r = browser("hank").get(link)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    assert browser("holly").get(link).status_code == 404


def test_it_offers_only_the_actions_the_person_may_take_now(org, browser, complaint):
    new = complaint("new")
    assert {"accept", "note"} <= offered(browser("hank").get(f"/complaints/{new.number}").content.decode())
    assert "resolve" not in offered(browser("hank").get(f"/complaints/{new.number}").content.decode())
    assert "assign" not in offered(browser("hank").get(f"/complaints/{new.number}").content.decode())
    assert "assign" in offered(browser("sam").get(f"/complaints/{new.number}").content.decode())
    working = complaint("in_progress", phone="13900000001")
    assert "resolve" in offered(browser("hank").get(f"/complaints/{working.number}").content.decode())
    done = complaint("resolved", phone="13900000002")
    assert "verify" in offered(browser("monty").get(f"/complaints/{done.number}").content.decode())
    assert "verify" not in offered(browser("hank").get(f"/complaints/{done.number}").content.decode())
    closed = complaint("closed", phone="13900000003")
    assert offered(browser("hank").get(f"/complaints/{closed.number}").content.decode()) == set()


def test_an_unknown_complaint_is_not_found(browser, org):
    assert browser("ada").get("/complaints/20990101-TEL-9999").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_record(org, browser, complaint, django_assert_max_num_queries):
    c = complaint("in_progress")
    n, ada = c.number, org.ada
    actions.add_note(n, actor=ada, text="第一次跟进，已联系仓库")
    actions.log_communication(n, actor=ada, channel="phone", direction="out", summary="电话告知")
    actions.add_subtask(n, actor=ada, title="核实库存", owner_id=org.hank.pk)
    actions.add_co_handler(n, actor=ada, user_id=org.holly.pk)
    attachments.store(c, SimpleUploadedFile("a.png", PNG), actor=ada)
    b = browser("sam")
    b.get(f"/complaints/{n}")
    few = _queries(b, f"/complaints/{n}")
    for i in range(8):
        actions.add_note(n, actor=org.users[("ada", "sam", "hank")[i % 3]], text=f"第{i + 2}次跟进，已联系仓库")
        actions.log_communication(n, actor=ada, channel="sms", direction="out", summary=f"短信{i}")
        actions.add_subtask(n, actor=ada, title=f"子任务{i}", owner_id=org.users[("hank", "sam")[i % 2]].pk)
        attachments.store(c, SimpleUploadedFile(f"{i}.png", PNG), actor=ada)
    assert _queries(b, f"/complaints/{n}") == few
    # 22 + 1 for the knowledge suggestions panel + 1 for the open data-check findings (sam may see them)
    with django_assert_max_num_queries(24):
        b.get(f"/complaints/{n}")


def _finding_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum("monitoring_finding" in q["sql"] for q in ctx.captured_queries)


def test_open_data_check_findings_show_with_a_link_to_correct_them(org, browser, complaint):
    c = complaint("in_progress")
    f = Finding.objects.create(check_name="missing_required_fields", complaint=c, detail={"fields": ["description"]})
    Finding.objects.create(check_name="likely_duplicates", complaint=c, status="dismissed", reason="不是重复")
    html = browser("monty").get(f"/complaints/{c.number}").content.decode()
    assert 'id="findings"' in html and f'id="finding-{f.pk}"' in html
    assert "Missing required fields" in html and "Fields concerned: customer&#x27;s own words." in html
    assert f'href="/monitoring/checks/{f.pk}"' in html and "Correct or dismiss" in html
    assert "Likely duplicates" not in html  # dismissed: not open
    # A supervisor reads them; correcting is for monitors, managers and administrators.
    html = browser("sam").get(f"/complaints/{c.number}").content.decode()
    assert f'href="/monitoring/checks/{f.pk}"' in html and "View the finding" in html
    # Corrected or cleared findings leave the page.
    Finding.objects.filter(pk=f.pk).update(status="cleared")
    assert 'id="findings"' not in browser("monty").get(f"/complaints/{c.number}").content.decode()


def test_findings_cost_one_query_and_only_for_those_who_may_see_them(org, browser, complaint):
    c = complaint("in_progress")
    Finding.objects.create(check_name="missing_required_fields", complaint=c, detail={"fields": ["description"]})
    url = f"/complaints/{c.number}"
    for user in ("sam", "mia", "monty", "ada"):
        assert _finding_queries(browser(user), url) == 1, user
    for user in ("amy", "hank"):
        assert _finding_queries(browser(user), url) == 0, user
