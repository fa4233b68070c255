"""Every workflow action as a form on the complaint page: success, field errors, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint
from tests.web.conftest import PNG, snapshot


def post(client, number: str, action: str, **fields):
    data = {f"{action}-{k}": v for k, v in fields.items()}
    return client.post(f"/complaints/{number}/{action}", data)


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def status(c: Complaint) -> str:
    return Complaint.objects.get(pk=c.pk).status


def test_accept_start_wait_and_resume(org, browser, complaint):
    c = complaint("new")
    hank = browser("hank")
    r = post(hank, c.number, "accept", note="收到，马上处理")
    assert r.status_code == 302 and r["Location"] == f"/complaints/{c.number}" and status(c) == "accepted"
    assert "Done: Accept." in hank.get(r["Location"]).content.decode()
    post(hank, c.number, "start")
    assert status(c) == "in_progress"
    r = post(hank, c.number, "wait_customer", reason="")
    assert r.status_code == 400 and status(c) == "in_progress"
    post(hank, c.number, "wait_customer", reason="等待客户提供开箱照片")
    assert status(c) == "awaiting_customer"
    post(hank, c.number, "resume")
    assert status(c) == "in_progress"


def test_a_vague_note_gets_a_field_error_and_a_concrete_one_is_saved(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "note", text="处理中", next_step="联系仓库")
    html = r.content.decode()
    assert r.status_code == 400 and "at least 10 characters" in html and 'id="id_note-text_error"' in html
    assert 'id="act-note" open' in html  # the form stays open with what was typed
    assert "联系仓库" in html and not c.notes.exists()
    r = post(browser("hank"), c.number, "note", text="已联系仓库核实库存情况", next_step="明天补发",
             next_step_owner=org.hank.pk, next_step_due=local(timezone.now() + timedelta(days=1)))
    assert r.status_code == 302
    note = c.notes.get()
    assert note.next_step == "明天补发" and note.next_step_owner == org.hank


def test_log_a_communication(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "communicate", channel="phone", direction="out", summary="电话告知补发时间",
             customer_reaction="接受", customer_visible="on")
    assert r.status_code == 302
    m = c.communications.get()
    assert m.summary == "电话告知补发时间" and m.customer_visible


def test_sub_tasks_block_resolving_until_completed(org, browser, complaint):
    c = complaint("in_progress")
    hank = browser("hank")
    r = post(hank, c.number, "add_subtask", title="仓库核实库存", owner_id=org.sam.pk)
    assert r.status_code == 302
    task = c.subtasks.get()
    before = snapshot(c.number)
    r = post(hank, c.number, "resolve", summary="已补发")
    assert r.status_code == 409 and "Sub-tasks are still open." in r.content.decode()
    assert snapshot(c.number) == before
    r = browser("sam").post(f"/complaints/{c.number}/subtasks/{task.pk}/complete",
                            {f"complete_subtask-{task.pk}-result": "有库存，已出库"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    r = post(hank, c.number, "resolve", summary="已补发，客户签收")
    assert r.status_code == 302 and status(c) == "resolved"


def test_hand_over_and_add_a_co_handler(org, browser, complaint):
    c = complaint("in_progress")
    hank = browser("hank")
    r = post(hank, c.number, "add_co_handler", user_id=org.holly.pk)
    assert r.status_code == 302 and list(c.co_handlers.all()) == [org.holly]
    r = post(hank, c.number, "handover", to_user_id=org.sam.pk, reason="")
    assert r.status_code == 400 and Complaint.objects.get(pk=c.pk).owner == org.hank
    r = post(hank, c.number, "handover", to_user_id=org.sam.pk, reason="需要主管协调仓库")
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).owner == org.sam


def test_assign_by_a_supervisor(org, browser, complaint):
    c = complaint("new")
    r = post(browser("sam"), c.number, "assign", owner_id=org.sam.pk, note="我来跟进")
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).owner == org.sam
    r = post(browser("sam"), c.number, "assign")
    assert r.status_code == 400 and "Choose a person or a department." in r.content.decode()


def test_reclassify_and_override_priority(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "reclassify", problem_type="lost_damaged", nature="complaint",
             severity="urgent", scope="individual", risk="none", note="开箱发现破损")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.problem_type.code == "lost_damaged" and c.severity == "urgent" and c.priority == "A"
    r = post(browser("sam"), c.number, "override_priority", priority="B", reason="")
    assert r.status_code == 400 and Complaint.objects.get(pk=c.pk).priority == "A"
    r = post(browser("sam"), c.number, "override_priority", priority="B", reason="客户同意延后处理")
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).priority == "B"


def test_a_large_compensation_needs_approval_then_the_customer_answers(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "propose_solution", measures="全额退款并赔偿", compensation_kind="cash",
             compensation_amount="2000")
    assert r.status_code == 302 and c.solutions.get().status == "awaiting_approval"
    before = snapshot(c.number)
    r = post(browser("hank"), c.number, "approve_solution", decision="approve")
    assert r.status_code == 403 and snapshot(c.number) == before  # a handler may not approve
    r = post(browser("sam"), c.number, "approve_solution", decision="reject", note="")
    assert r.status_code == 400 and "Say why the solution is rejected." in r.content.decode()
    r = post(browser("sam"), c.number, "approve_solution", decision="approve", note="同意")
    assert r.status_code == 302 and c.solutions.get().status == "proposed"
    r = post(browser("amy"), c.number, "record_response", response="partial", comment="希望再加优惠券")
    assert r.status_code == 302 and c.solutions.get().customer_response == "partial" and status(c) == "in_progress"


def test_record_a_demand_change(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "change_demand", new_demand="改为退货退款", confirmation="",
             new_expected_at="")
    assert r.status_code == 400 and 'id="id_change_demand-confirmation_error"' in r.content.decode()
    r = post(browser("hank"), c.number, "change_demand", new_demand="改为退货退款", confirmation="客户电话确认")
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).core_demand == "改为退货退款"


def test_escalate(org, browser, complaint):
    c = complaint("in_progress")
    r = post(browser("hank"), c.number, "escalate", reason="客户要求主管处理，一线无法解决", customer_told="on")
    assert r.status_code == 302 and Complaint.objects.get(pk=c.pk).escalation_level == 1


def test_callback_with_satisfaction_dissatisfied_reopens(org, browser, complaint):
    c = complaint("resolved")
    r = post(browser("amy"), c.number, "request_callback")
    assert r.status_code == 302 and status(c) == "callback_pending"
    r = post(browser("amy"), c.number, "record_satisfaction", response_speed=5, result=5, attitude=5)
    assert r.status_code == 400 and 'id="id_record_satisfaction-communication_error"' in r.content.decode()
    r = post(browser("amy"), c.number, "record_satisfaction", response_speed=3, result=1, attitude=3,
             communication=3, comment="问题没解决")
    assert r.status_code == 302 and status(c) == "reopened"


def test_verify_passes_only_with_every_check_and_fails_with_a_note(org, browser, complaint):
    c = complaint("resolved")
    monty = browser("monty")
    r = post(monty, c.number, "verify", outcome="pass", really_resolved="on")
    assert r.status_code == 400 and status(c) == "resolved"
    r = post(monty, c.number, "verify", outcome="fail", note="")
    assert r.status_code == 400 and "Say what failed verification." in r.content.decode()
    r = post(monty, c.number, "verify", outcome="pass", really_resolved="on", promise_kept="on",
             process_compliant="on")
    assert r.status_code == 302 and status(c) == "closed"
    other = complaint("resolved", phone="13900000001")
    r = post(monty, other.number, "verify", outcome="fail", note="承诺的优惠券未发放")
    assert r.status_code == 302 and status(other) == "reopened"


def test_reopen_archive_and_cancel(org, browser, complaint):
    closed = complaint("closed")
    r = post(browser("sam"), closed.number, "archive")
    assert r.status_code == 302 and status(closed) == "archived"
    done = complaint("resolved", phone="13900000001")
    r = post(browser("amy"), done.number, "reopen", reason="客户来电仍未收到")
    assert r.status_code == 302 and status(done) == "reopened"
    new = complaint("new", phone="13900000002")
    r = post(browser("amy"), new.number, "cancel", reason="")
    assert r.status_code == 400 and status(new) == "new"
    r = post(browser("amy"), new.number, "cancel", reason="重复登记", duplicate_of=done.number)
    assert r.status_code == 302 and status(new) == "cancelled"


def test_uploads_are_checked_for_type_and_size(org, browser, complaint, settings):
    c = complaint("in_progress")
    hank = browser("hank")
    r = hank.post(f"/complaints/{c.number}/attach", {"attach-file": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)})
    assert r.status_code == 400 and "This type of file is not accepted" in r.content.decode()
    settings.LOOPDESK = {**settings.LOOPDESK, "ATTACHMENT_MAX_BYTES": 10}
    r = hank.post(f"/complaints/{c.number}/attach", {"attach-file": SimpleUploadedFile("big.png", PNG)})
    assert r.status_code == 400 and "larger than" in r.content.decode()
    assert not c.attachments.exists()
    settings.LOOPDESK = {**settings.LOOPDESK, "ATTACHMENT_MAX_BYTES": 1024 * 1024}
    r = hank.post(f"/complaints/{c.number}/attach", {"attach-file": SimpleUploadedFile("receipt.png", PNG)})
    assert r.status_code == 302 and c.attachments.get().original_name == "receipt.png"


@pytest.mark.parametrize(("state", "action", "fields", "code"), [
    ("new", "resolve", {"summary": "已解决"}, 409),             # not possible in this status
    ("closed", "accept", {}, 409),
    ("in_progress", "verify", {"outcome": "pass"}, 403),        # a handler never verifies
    ("in_progress", "override_priority", {"priority": "A", "reason": "急"}, 403),
    ("new", "no_such_action", {}, 404),
])
def test_a_refused_action_says_why_and_changes_nothing(org, browser, complaint, state, action, fields, code):
    c = complaint(state)
    before = snapshot(c.number)
    r = post(browser("hank"), c.number, action, **fields)
    assert r.status_code == code
    if code != 404:
        assert "Nothing was changed:" in r.content.decode()
    assert snapshot(c.number) == before


def test_actions_are_refused_after_the_state_changed_underneath(org, browser, complaint):
    c = complaint("new")
    page = browser("hank").get(f"/complaints/{c.number}").content.decode()
    assert 'id="act-accept"' in page
    actions.cancel(c.number, actor=org.sam, reason="重复")
    r = post(browser("hank"), c.number, "accept")
    assert r.status_code == 409 and "Cannot accept a complaint that is Cancelled." in r.content.decode()


def test_only_people_working_on_it_complete_a_sub_task(org, browser, complaint):
    c = complaint("in_progress")
    task = c.subtasks.create(title="仓库核实库存", owner=org.sam)
    url = f"/complaints/{c.number}/subtasks/{task.pk}/complete"
    r = browser("amy").post(url, {f"complete_subtask-{task.pk}-result": "已核实"})
    assert r.status_code == 403 and "Nothing was changed:" in r.content.decode()
    task.refresh_from_db()
    assert task.status == "open"
    assert browser("sam").post(url, {f"complete_subtask-{task.pk}-result": ""}).status_code == 400
    assert browser("hank").post(f"/complaints/{c.number}/subtasks/999999/complete",
                                {"complete_subtask-999999-result": "x"}).status_code == 404
