"""Retention masks personal data in free text too: the complaint's texts, its records and its timeline,
in batches, once, with an event on each complaint's timeline."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loopdesk.complaints import actions, archiving
from loopdesk.complaints.models import Communication, Complaint, Event, Note, Solution, SubTask
from loopdesk.core.textsearch import search
from loopdesk.monitoring.models import Finding
from tests.archive.conftest import at
from tests.archive.test_retention import drive_to_archive
from tests.web.conftest import drive, register

PAST_RETENTION = at(2030, 1, 1)  # closed 2026-11-23, three years' retention


def talkative(org, phone: str = "13812341234", **over):
    """An archived complaint whose texts name phones, e-mails, an ID and a bank card, next to an order
    number and dates that must stay as they are."""
    fields = {"subject": "快递未送达，请回电13912345678",
              "description": "10月28日下单，订单号4111111111111111，本人身份证110101199003071234，"
                             "退款请打到6222021234567890128，邮箱zhang.san@example.com", **over}
    c = drive(org, register(org, phone=phone, order_no="4111111111111111", **fields), "in_progress")
    n, ada = c.number, org.ada
    actions.add_note(n, actor=ada, text="客户留了座机010-62345678，晚上联系")
    actions.log_communication(n, actor=ada, channel="phone", direction="out",
                              summary="已电话告知，客户另给了手机15012345678", customer_reaction="同意")
    task = actions.add_subtask(n, actor=ada, title="核实张先生的订单", owner_id=org.hank.pk)
    actions.complete_subtask(n, task.pk, actor=ada, result="已核实，客户邮箱 zs@example.org")
    actions.propose_solution(n, actor=ada, measures="退款至卡号 6217 0012 3456 7890")
    actions.record_response(n, actor=ada, response="accepted", comment="好的")
    Finding.objects.create(check_name="missing_required_fields", complaint=c, status="corrected",
                           reason="客户来电更正为13698765432",
                           changes={"before": {"customer_phone": ""}, "after": {"customer_phone": "13698765432"}})
    return drive_to_archive(org, c)


def texts(c: Complaint) -> str:
    """Every free text of a complaint and its records, as one string to search in."""
    c = Complaint.objects.get(pk=c.pk)
    parts = [c.subject, c.description, c.search_text]
    parts += Note.objects.filter(complaint=c).values_list("text", flat=True)
    parts += Communication.objects.filter(complaint=c).values_list("summary", flat=True)
    parts += SubTask.objects.filter(complaint=c).values_list("title", flat=True)
    parts += Solution.objects.filter(complaint=c).values_list("measures", flat=True)
    parts += [f.reason + json.dumps(f.changes) for f in Finding.objects.filter(complaint=c)]
    parts += [e.note + json.dumps(e.before, ensure_ascii=False) + json.dumps(e.after, ensure_ascii=False)
              for e in Event.objects.filter(complaint=c)]
    return "\n".join(parts)


SECRETS = ["13912345678", "110101199003071234", "6222021234567890128", "zhang.san@", "62345678", "15012345678",
           "6217 0012 3456 7890", "13698765432", "张先生", "zs@example.org"]


def test_free_text_is_masked_after_the_retention_period(org, clock):
    c = talkative(org)
    for secret in SECRETS:
        assert secret in texts(c), secret
    clock.move_to(at(2029, 11, 22))
    assert archiving.run().texts_scrubbed == []
    clock.move_to(PAST_RETENTION)
    result = archiving.run()
    assert (result.texts_scrubbed, result.anonymised, result.failed) == ([c.number], [c.number], [])
    after = texts(c)
    for secret in SECRETS:
        assert secret not in after, secret
    c = Complaint.objects.get(pk=c.pk)
    assert c.subject == "快递未送达，请回电139****5678"
    assert c.description == ("10月28日下单，订单号4111111111111111，本人身份证110***********1234，"
                             "退款请打到6222***********0128，邮箱z********@example.com")
    assert Note.objects.get(complaint=c).text == "客户留了座机010-****5678，晚上联系"
    assert SubTask.objects.get(complaint=c).title == "核实张**的订单"  # the customer's own name
    assert Solution.objects.get(complaint=c).measures == "退款至卡号 6217 **** **** 7890"
    assert Finding.objects.get(complaint=c).changes["after"] == {"customer_phone": "136****5432"}
    # The timeline keeps every event, with its texts masked, and says what was done.
    note_event = Event.objects.get(complaint=c, action="note")
    assert note_event.note == "客户留了座机010-****5678，晚上联系"
    scrub = Event.objects.get(complaint=c, action="scrub_text")
    assert (scrub.kind, scrub.actor, scrub.after) == ("field", None, {"texts_masked": scrub.after["texts_masked"]})
    assert scrub.after["texts_masked"] >= 10
    assert "3 years" in scrub.note or "3 年" in scrub.note
    # Found by what it was about, not by the numbers it held.
    assert list(search(Complaint.objects.all(), "快递")) == [c]
    assert list(search(Complaint.objects.all(), "13912345678")) == []


def test_it_runs_once(org, clock):
    c = talkative(org)
    clock.move_to(PAST_RETENTION)
    assert archiving.run().texts_scrubbed == [c.number]
    before, events = texts(c), Event.objects.count()
    assert archiving.run().as_dict() == {"archived": 0, "anonymised": 0, "texts_scrubbed": 0, "failed": 0,
                                         "dry_run": False}
    assert texts(c) == before and Event.objects.count() == events


def test_a_complaint_without_personal_data_in_its_texts_gets_the_event_too(org, clock):
    c = drive_to_archive(org, drive(org, register(org, description="10月28日买的洗衣机，订单20261028000123"),
                                    "in_progress"))
    clock.move_to(PAST_RETENTION)
    assert archiving.run().texts_scrubbed == [c.number]
    assert Complaint.objects.get(pk=c.pk).description == "10月28日买的洗衣机，订单20261028000123"
    assert Event.objects.get(complaint=c, action="scrub_text").after == {"texts_masked": 0}


def test_complaints_anonymised_before_this_step_existed_are_scrubbed_later(org, clock):
    c = talkative(org)
    clock.move_to(PAST_RETENTION)
    done: list[str] = []
    archiving._in_batches(archiving.due_for_anonymising(archiving.retention_cutoff()), archiving._anonymise, done,
                          [], 10)  # what earlier versions did
    assert done == [c.number] and "13912345678" in texts(c)
    result = archiving.run()
    assert (result.texts_scrubbed, result.anonymised) == ([c.number], [])
    assert "13912345678" not in texts(c)


def test_the_dry_run_lists_them_and_changes_nothing(org, clock, capsys):
    c = talkative(org)
    clock.move_to(PAST_RETENTION)
    before = texts(c)
    call_command("archive_closed", "--dry-run")
    out = json.loads(capsys.readouterr().out)
    assert (out["texts_scrubbed"], out["texts_scrubbed_numbers"]) == (1, [c.number])
    assert texts(c) == before


def test_one_bad_row_fails_alone(org, clock, monkeypatch):
    good, bad = talkative(org), talkative(org, phone="13700000000", subject="BOOM 13912345678")
    real = archiving.mask_personal_data

    def flaky(text, **kw):
        if text.startswith("BOOM"):
            raise RuntimeError("cannot")
        return real(text, **kw)

    monkeypatch.setattr(archiving, "mask_personal_data", flaky)
    clock.move_to(PAST_RETENTION)
    result = archiving.run()
    assert (result.texts_scrubbed, result.failed) == ([good.number], [bad.number])
    # The good one was masked for real after its batch was rolled back and redone.
    assert "13912345678" not in texts(good) and "13912345678" in texts(bad)
    assert not Event.objects.filter(complaint=bad, action="scrub_text").exists()
    monkeypatch.setattr(archiving, "mask_personal_data", real)
    assert archiving.run().texts_scrubbed == [bad.number]


@pytest.mark.parametrize("batch", [200])
def test_a_batch_costs_the_same_queries_however_many_complaints_it_holds(org, clock, batch):
    def scrub_all() -> int:
        due = archiving.due_for_text_scrub(archiving.retention_cutoff())
        with CaptureQueriesContext(connection) as ctx:
            archiving._in_set_batches(due, archiving._scrub_texts, [], [], batch)
        return len(ctx.captured_queries)

    talkative(org, phone="13700000001")
    clock.move_to(PAST_RETENTION)
    few = scrub_all()
    clock.move_to(at(2026, 11, 23, 10))
    for i in range(5):
        talkative(org, phone=f"1370000001{i}")
    clock.move_to(PAST_RETENTION)
    assert scrub_all() == few


def test_the_timeline_says_so(org, clock, browser):
    c = talkative(org)
    clock.move_to(PAST_RETENTION)
    archiving.run()
    html = browser("ada").get(f"/complaints/{c.number}").content.decode()
    assert "personal data masked in free text" in html and "13912345678" not in html


def test_only_the_texts_of_events_may_be_masked(org, clock):
    c = talkative(org)
    e = Event.objects.filter(complaint=c).first()
    for fields in (["action"], ["note", "at"], ["actor"], ["kind"]):
        with pytest.raises(TypeError):
            Event.objects.mask_texts(fields, [(e.pk, "x", "y")[: len(fields) + 1]])
    with pytest.raises(TypeError):
        Event.objects.filter(pk=e.pk).update(note="x")
    assert Event.objects.get(pk=e.pk).note == e.note


def test_messages_articles_and_problems_that_reach_the_complaint_are_masked_too(org, clock):
    from loopdesk.improvement.models import Cause, Problem, ProblemComplaint
    from loopdesk.knowledge.articles import searchable as article_searchable
    from loopdesk.knowledge.models import Article
    from loopdesk.notifications.models import InboxItem, OutboxMessage

    c = talkative(org)
    other = drive(org, register(org, phone="13700001111", subject="另一位客户"), "in_progress")
    invite = OutboxMessage.objects.create(channel="sms", event="survey.invite", dedupe_key="k1", complaint=c,
                                          address="13812341234", params={"text": "请回电13912345678"})
    inbox = InboxItem.objects.create(user=org.hank, dedupe_key="k2", event="complaint.assigned", complaint=c,
                                     params={"subject": "快递未送达，请回电13912345678"})
    article = Article.objects.create(title="快递未送达", script="张先生您好，已按13912345678回电", solution="补发",
                                     source_complaint=c, author=org.ada)
    article.search_text = article_searchable(article)
    article.save()
    problem = Problem.objects.create(title="快递延误", what="张先生（13812341234）与 13700001111 的包裹未送达",
                                     created_by=org.ada)
    for linked in (c, other):
        ProblemComplaint.objects.create(problem=problem, complaint=linked, linked_by=org.ada)
    cause = Cause.objects.create(problem=problem, category="method", text="未按13912345678回电")
    clock.move_to(PAST_RETENTION)
    assert archiving.run().texts_scrubbed == [c.number]
    invite.refresh_from_db()
    inbox.refresh_from_db()
    article.refresh_from_db()
    problem.refresh_from_db()
    cause.refresh_from_db()
    assert (invite.address, invite.params) == ("138****1234", {"text": "请回电139****5678"})
    assert inbox.params == {"subject": "快递未送达，请回电139****5678"}
    assert (article.title, article.script) == ("快递未送达", "张**您好，已按139****5678回电")
    assert "13912345678" not in article.search_text and article.search_text == article_searchable(article)
    # Only the archived complaint's customer is masked by name; any mobile number is masked anyway.
    assert problem.what == "张**（138****1234）与 137****1111 的包裹未送达"
    assert cause.text == "未按139****5678回电"
