"""Correcting a finding: only its fields, a reason on the timeline, re-verified; refusals change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from loopdesk.complaints.models import Complaint, Event
from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from loopdesk.monitoring.checks import scan
from loopdesk.monitoring.corrections import correct, dismiss
from loopdesk.monitoring.models import Finding
from tests.escalation.support import START

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
DAY = timedelta(days=1)


def finding_for(craft, check: str, **fields) -> Finding:
    craft(**fields)
    scan([check])
    return Finding.objects.get(check_name=check)


def snapshot(f: Finding) -> tuple:
    c = Complaint.objects.get(pk=f.complaint_id)
    return (list(Complaint.objects.filter(pk=c.pk).values()), Event.objects.filter(complaint=c).count(),
            list(Finding.objects.filter(pk=f.pk).values()))


def test_correcting_writes_the_change_and_the_reason_on_the_timeline_and_verifies(craft, org):
    f = finding_for(craft, "resolved_before_received", status="resolved", received_at=START - 2 * DAY,
                    accepted_at=START - 2 * DAY + H, resolved_at=START - 3 * DAY, resolution_summary="已处理")
    correct(f.pk, actor=org.monty, changes={"resolved_at": "2026-11-22T15:30:00+08:00"},
            reason="录入时日期选错，按通话记录更正")
    f.refresh_from_db()
    assert (f.status, f.closed_by, f.closed_at, f.verified_at) == ("corrected", org.monty, START, START)
    assert f.reason == "录入时日期选错，按通话记录更正"
    c = Complaint.objects.get(pk=f.complaint_id)
    assert c.resolved_at == START - DAY + 5.5 * H
    [e] = Event.objects.filter(complaint=c, action="correct_data")
    assert (e.kind, e.actor) == ("field", org.monty)
    assert datetime.fromisoformat(e.before["resolved_at"]) == START - 3 * DAY
    assert datetime.fromisoformat(e.after["resolved_at"]) == c.resolved_at
    assert "录入时日期选错" in e.note and "Resolved before received" in e.note
    assert f.changes == {"before": e.before, "after": e.after}


def test_a_correction_that_does_not_fix_the_finding_is_refused_and_nothing_changes(craft, org):
    f = finding_for(craft, "resolved_before_received", status="resolved", received_at=START - 2 * DAY,
                    accepted_at=START - 2 * DAY + H, resolved_at=START - 3 * DAY, resolution_summary="已处理")
    before = snapshot(f)
    with pytest.raises(ValidationFailed) as exc:
        correct(f.pk, actor=org.monty, changes={"resolved_at": "2026-11-20T09:00:00+08:00"}, reason="更正")
    assert "still fails" in str(exc.value.errors["changes"][0])
    assert snapshot(f) == before


def test_a_correction_that_breaks_another_check_is_refused(craft, org):
    f = finding_for(craft, "status_timestamps", status="closed", received_at=START - 2 * DAY,
                    accepted_at=START - 2 * DAY + H, resolved_at=START - DAY, closed_at=None,
                    resolution_summary="已处理")
    before = snapshot(f)
    with pytest.raises(ValidationFailed) as exc:  # closed before it was resolved
        correct(f.pk, actor=org.monty, changes={"closed_at": "2026-11-21T09:00:00+08:00"}, reason="补录关闭时间")
    assert "Timestamps out of order" in str(exc.value.errors["changes"][0])
    assert snapshot(f) == before
    correct(f.pk, actor=org.monty, changes={"closed_at": "2026-11-22T18:00:00+08:00"}, reason="补录关闭时间")
    assert Finding.objects.get(pk=f.pk).status == "corrected"


def test_only_the_fields_of_the_check_can_be_changed(craft, org):
    f = finding_for(craft, "closed_without_resolution", status="closed", received_at=START - 2 * DAY,
                    accepted_at=START - 2 * DAY + H, resolved_at=START - DAY, closed_at=START - H)
    before = snapshot(f)
    with pytest.raises(ValidationFailed) as exc:
        correct(f.pk, actor=org.monty, changes={"status": "new", "resolution_summary": "已退款"}, reason="x")
    assert set(exc.value.errors) == {"status"}
    assert snapshot(f) == before
    correct(f.pk, actor=org.monty, changes={"resolution_summary": "已全额退款，客户确认"}, reason="补录处理结果")
    assert Complaint.objects.get(pk=f.complaint_id).resolution_summary == "已全额退款，客户确认"


def test_missing_fields_are_filled_including_the_customers_contact_and_type(craft, org):
    from loopdesk.complaints.models import Customer

    c = craft(customer=Customer.objects.create(name="李女士"), problem_type=None, status="in_progress",
              accepted_at=START)
    scan(["missing_required_fields"])
    f = Finding.objects.get()
    with pytest.raises(ValidationFailed):  # the contact alone leaves the type missing
        correct(f.pk, actor=org.monty, changes={"customer_phone": "13900001111"}, reason="回拨确认")
    correct(f.pk, actor=org.monty, changes={"customer_phone": "13900001111", "problem_type": "refund"},
            reason="回拨确认号码并分类")
    c.refresh_from_db()
    assert (c.customer.phone, c.problem_type.code) == ("13900001111", "refund")
    e = Event.objects.get(complaint=c, action="correct_data")
    assert e.after == {"customer_phone": "13900001111", "problem_type": "refund"}


def test_a_likely_duplicate_is_corrected_by_linking_it_as_a_repeat(craft, org):
    text = {"subject": "洗衣机一周没送到", "description": "10月28日买的洗衣机到现在还没送到，物流也不更新"}
    first = craft(received_at=START - 5 * H, **text)
    again = craft(customer=first.customer, received_at=START - H, **text)
    scan(["likely_duplicates"])
    f = Finding.objects.get()
    assert f.detail["duplicate_of"] == first.number
    correct(f.pk, actor=org.monty, changes={"repeat_of": first.number}, reason="同一客户重复来电，关联为重复投诉")
    again.refresh_from_db()
    assert (again.repeat_of, again.is_repeat) == (first, True)


def test_refusals(craft, org):
    f = finding_for(craft, "missing_required_fields", subject="")
    before = snapshot(f)
    with pytest.raises(ValidationFailed) as exc:
        correct(f.pk, actor=org.monty, changes={"subject": "补登主题"}, reason="  ")
    assert set(exc.value.errors) == {"reason"}
    with pytest.raises(ValidationFailed):
        correct(f.pk, actor=org.monty, changes={}, reason="更正")
    with pytest.raises(ValidationFailed):
        correct(f.pk, actor=org.monty, changes={"subject": ""}, reason="没有变化")
    for who in ("amy", "hank", "sam"):
        with pytest.raises(NotAllowed):
            correct(f.pk, actor=org.users[who], changes={"subject": "补登主题"}, reason="更正")
    with pytest.raises(NotFound):
        correct(f.pk + 999, actor=org.monty, changes={"subject": "补登主题"}, reason="更正")
    assert snapshot(f) == before
    dismiss(f.pk, actor=org.mia, reason="主题为空系客户原话")
    with pytest.raises(Conflict):
        correct(f.pk, actor=org.monty, changes={"subject": "补登主题"}, reason="更正")


def test_dismissing_needs_a_reason_and_closes_the_finding(craft, org):
    f = finding_for(craft, "missing_required_fields", subject="")
    with pytest.raises(ValidationFailed):
        dismiss(f.pk, actor=org.monty, reason="")
    with pytest.raises(NotAllowed):
        dismiss(f.pk, actor=org.sam, reason="不是问题")
    dismiss(f.pk, actor=org.ada, reason="历史数据，原始记录就无主题")
    f.refresh_from_db()
    assert (f.status, f.closed_by, f.reason) == ("dismissed", org.ada, "历史数据，原始记录就无主题")
    assert not Event.objects.filter(action="correct_data").exists()


def test_correcting_one_finding_clears_the_others_it_also_fixed(craft, org):
    craft(status="closed", received_at=START - 2 * DAY, accepted_at=START - 2 * DAY + H, resolved_at=START - DAY,
          closed_at=START - 3 * DAY, resolution_summary="")
    scan()
    order = Finding.objects.get(check_name="timestamps_out_of_order")
    correct(order.pk, actor=org.monty, changes={"closed_at": "2026-11-23T09:00:00+08:00"}, reason="更正关闭时间")
    assert Finding.objects.get(check_name="closed_without_resolution").status == "open"
