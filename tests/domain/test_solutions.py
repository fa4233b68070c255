"""Solutions (SPEC §5): measures and compensation, supervisor approval above a threshold, and the
customer's answer 接受 / 部分接受 / 不接受."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint, CustomerResponse, Event, Solution, SolutionStatus, Status
from loopdesk.core import config
from loopdesk.core.errors import Conflict, NotAllowed, ValidationFailed


@pytest.fixture
def handling(org, complaint_in):
    return complaint_in(Status.IN_PROGRESS)


def propose(c, org, amount: str, kind: str = "refund") -> Solution:
    return actions.propose_solution(c.number, actor=org.hank, measures="退还货款并补发", compensation_kind=kind,
                                    compensation_amount=Decimal(amount))


def status_of(c) -> str:
    return Complaint.objects.get(pk=c.pk).status


@pytest.mark.parametrize(("amount", "needs_approval"), [
    ("0", False), ("499.99", False), ("500", False), ("500.01", True), ("2000", True),
])
def test_compensation_above_500_needs_approval(amount, needs_approval, org, handling):
    s = propose(handling, org, amount, kind="refund" if amount != "0" else "none")
    expected = SolutionStatus.AWAITING_APPROVAL if needs_approval else SolutionStatus.PROPOSED
    assert s.status == expected
    assert status_of(handling) == Status.SOLUTION_PENDING


def test_the_threshold_is_configurable(org, handling):
    config.put("solution.approval_threshold", "100")
    assert propose(handling, org, "150").status == SolutionStatus.AWAITING_APPROVAL


def test_the_customer_response_waits_for_the_supervisors_approval(org, handling):
    s = propose(handling, org, "800")
    with pytest.raises(Conflict):
        actions.record_response(handling.number, actor=org.hank, response=CustomerResponse.ACCEPTED)
    s.refresh_from_db()
    assert (s.status, s.customer_response) == (SolutionStatus.AWAITING_APPROVAL, "")
    assert status_of(handling) == Status.SOLUTION_PENDING

    actions.approve_solution(handling.number, actor=org.sam, approve=True, note="同意")
    s.refresh_from_db()
    assert (s.status, s.approved_by) == (SolutionStatus.PROPOSED, org.sam)

    actions.record_response(handling.number, actor=org.hank, response=CustomerResponse.ACCEPTED)
    s.refresh_from_db()
    assert (s.status, s.customer_response) == (SolutionStatus.ANSWERED, "accepted")
    assert status_of(handling) == Status.IN_PROGRESS


@pytest.mark.parametrize("who", ["hank", "amy", "monty"])
def test_only_a_supervisor_manager_or_admin_approves(who, org, handling):
    s = propose(handling, org, "800")
    with pytest.raises(NotAllowed):
        actions.approve_solution(handling.number, actor=org.users[who], approve=True)
    s.refresh_from_db()
    assert s.status == SolutionStatus.AWAITING_APPROVAL


def test_a_rejection_returns_the_complaint_to_handling(org, handling):
    s = propose(handling, org, "800")
    actions.approve_solution(handling.number, actor=org.sam, approve=False, note="超出赔付标准，改为300元")
    s.refresh_from_db()
    assert (s.status, s.approval_note) == (SolutionStatus.REJECTED_BY_SUPERVISOR, "超出赔付标准，改为300元")
    assert status_of(handling) == Status.IN_PROGRESS
    e = Event.objects.filter(complaint=handling, action="reject_solution", kind="status").get()
    assert (e.actor, e.before, e.after) == (org.sam, {"status": "solution_pending"}, {"status": "in_progress"})

    # A new, smaller proposal goes straight to the customer.
    again = propose(handling, org, "300")
    assert again.status == SolutionStatus.PROPOSED
    actions.record_response(handling.number, actor=org.amy, response=CustomerResponse.PARTIAL)
    again.refresh_from_db()
    assert again.customer_response == CustomerResponse.PARTIAL


def test_a_rejection_needs_a_reason(org, handling):
    s = propose(handling, org, "800")
    with pytest.raises(ValidationFailed) as err:
        actions.approve_solution(handling.number, actor=org.sam, approve=False)
    assert "note" in err.value.errors
    s.refresh_from_db()
    assert s.status == SolutionStatus.AWAITING_APPROVAL
    assert status_of(handling) == Status.SOLUTION_PENDING


def test_a_solution_that_needs_no_approval_cannot_be_approved(org, handling):
    propose(handling, org, "100")
    with pytest.raises(Conflict):
        actions.approve_solution(handling.number, actor=org.sam, approve=True)


@pytest.mark.parametrize("response", list(CustomerResponse))
def test_each_customer_response_is_recorded(response, org, handling):
    s = propose(handling, org, "50", kind="coupon")
    actions.record_response(handling.number, actor=org.amy, response=response, comment="客户电话答复")
    s.refresh_from_db()
    assert (s.status, s.customer_response, s.customer_comment) == (SolutionStatus.ANSWERED, response, "客户电话答复")
    assert status_of(handling) == Status.IN_PROGRESS
    e = Event.objects.filter(complaint=handling, action="record_response", kind="solution").get()
    assert e.after == {"id": s.pk, "response": response}


def test_an_unknown_response_is_refused(org, handling):
    propose(handling, org, "50", kind="coupon")
    with pytest.raises(ValidationFailed) as err:
        actions.record_response(handling.number, actor=org.amy, response="maybe")
    assert "response" in err.value.errors


@pytest.mark.parametrize(("kind", "amount", "field"), [
    ("refund", "-1", "compensation_amount"),
    ("none", "100", "compensation_kind"),
])
def test_an_inconsistent_compensation_is_refused(kind, amount, field, org, handling):
    with pytest.raises(ValidationFailed) as err:
        propose(handling, org, amount, kind=kind)
    assert field in err.value.errors
    assert status_of(handling) == Status.IN_PROGRESS
    assert handling.solutions.count() == 0


@pytest.mark.parametrize(("response", "zh"), [
    (CustomerResponse.ACCEPTED, "接受"),
    (CustomerResponse.PARTIAL, "部分接受"),
    (CustomerResponse.REJECTED, "不接受"),
])
def test_the_customer_responses_read_in_chinese_as_the_worksheet_says(response, zh):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(CustomerResponse(response).label) == zh
