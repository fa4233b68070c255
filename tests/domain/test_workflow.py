"""The workflow table, exercised through the domain actions: every action from every status.

A legal action lands the complaint in its target (or its alternative target on a negative outcome)
and writes the timeline; an illegal one raises and leaves every row exactly as it was.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.accounts.models import Role
from loopdesk.complaints import actions, attachments
from loopdesk.complaints.access import available_actions
from loopdesk.complaints.models import Complaint, Event, Solution, SolutionStatus, Status, SubTask
from loopdesk.complaints.workflow import TRANSITIONS, targets_from
from loopdesk.core.errors import Conflict, NotAllowed, NotFound
from tests.domain.support import PNG, snapshot

HAPPY = {"response_speed": 5, "result": 5, "attitude": 4, "communication": 5}
UNHAPPY = {"response_speed": 3, "result": 1, "attitude": 3, "communication": 3}

# Who performs each action in the legal/illegal matrix: someone the table permits. On the
# complaint under test hank (logistics handler) is the owner and amy (agent) the registrar.
ACTOR = {
    "accept": "hank", "start": "hank", "wait_customer": "hank", "resume": "hank",
    "propose_solution": "hank", "approve_solution": "sam", "record_response": "hank", "resolve": "hank",
    "request_callback": "hank", "record_satisfaction": "amy", "verify": "monty", "reopen": "amy",
    "archive": "monty", "cancel": "sam", "assign": "sam", "handover": "hank", "add_co_handler": "hank",
    "reclassify": "hank", "override_priority": "sam", "note": "hank", "communicate": "hank", "attach": "hank",
    "add_subtask": "hank", "complete_subtask": "hank", "change_demand": "hank", "escalate": "hank",
}
# The relations each named user holds to that complaint (owner/worker/registrar).
RELATIONS = {"hank": {"owner", "worker"}, "amy": {"registrar"}}


def _prepare(action: str, c: Complaint, org) -> dict:
    """What an action needs besides the status: a solution to approve or answer, a sub-task to finish."""
    ctx: dict = {}
    if action == "approve_solution":
        Solution.objects.create(complaint=c, proposed_by=org.hank, measures="退款 800 元",
                                compensation_kind="refund", compensation_amount=Decimal("800"),
                                status=SolutionStatus.AWAITING_APPROVAL)
    if action == "record_response":
        Solution.objects.create(complaint=c, proposed_by=org.hank, measures="补发商品",
                                status=SolutionStatus.PROPOSED)
    if action == "complete_subtask":
        ctx["subtask"] = SubTask.objects.create(complaint=c, title="联系快递公司核实", owner=org.hank).pk
    return ctx


def _run(action: str, c: Complaint, org, user, *, negative: bool = False, ctx: dict | None = None):
    n, ctx = c.number, ctx or {}
    match action:
        case "accept":
            return actions.accept(n, actor=user)
        case "start":
            return actions.start(n, actor=user)
        case "wait_customer":
            return actions.wait_customer(n, actor=user, reason="等待客户提供订单截图")
        case "resume":
            return actions.resume(n, actor=user)
        case "propose_solution":
            return actions.propose_solution(n, actor=user, measures="补发商品并赠送优惠券",
                                            compensation_kind="coupon", compensation_amount=Decimal("50"))
        case "approve_solution":
            return actions.approve_solution(n, actor=user, approve=not negative,
                                            note="补偿金额超出标准" if negative else "")
        case "record_response":
            return actions.record_response(n, actor=user, response="accepted")
        case "resolve":
            return actions.resolve(n, actor=user, summary="已补发，客户确认收到")
        case "request_callback":
            return actions.request_callback(n, actor=user)
        case "record_satisfaction":
            return actions.record_satisfaction(n, actor=user, scores=UNHAPPY if negative else HAPPY)
        case "verify":
            return actions.verify(n, actor=user, passed=not negative, note="承诺的补偿未到账" if negative else "")
        case "reopen":
            return actions.reopen(n, actor=user, reason="客户来电表示仍未收到")
        case "archive":
            return actions.archive(n, actor=user)
        case "cancel":
            return actions.cancel(n, actor=user, reason="重复登记")
        case "assign":
            return actions.assign(n, actor=user, owner_id=org.holly.pk)
        case "handover":
            return actions.handover(n, actor=user, to_user_id=org.holly.pk, reason="需要技术支持部上门检修")
        case "add_co_handler":
            return actions.add_co_handler(n, actor=user, user_id=org.holly.pk)
        case "reclassify":
            return actions.reclassify(n, actor=user, changes={"severity": "important"})
        case "override_priority":
            return actions.override_priority(n, actor=user, priority="A", reason="客户表示要投诉到媒体")
        case "note":
            return actions.add_note(n, actor=user, text="已联系快递公司核实物流轨迹")
        case "communicate":
            return actions.log_communication(n, actor=user, channel="phone", direction="out",
                                             summary="致电客户说明补发安排")
        case "attach":
            return attachments.add_attachment(n, SimpleUploadedFile("receipt.png", PNG), actor=user)
        case "add_subtask":
            return actions.add_subtask(n, actor=user, title="联系快递公司", owner_id=org.holly.pk)
        case "complete_subtask":
            return actions.complete_subtask(n, ctx["subtask"], actor=user, result="快递公司已确认补发")
        case "change_demand":
            return actions.change_demand(n, actor=user, new_demand="全额退款", confirmation="客户电话确认")
        case "escalate":
            return actions.escalate(n, actor=user, reason="一线无法解决，需主管介入")
    raise AssertionError(f"no runner for {action}")


def _legal_cases():
    for action, t in TRANSITIONS.items():
        for status in t.sources:
            yield pytest.param(action, status, False, id=f"{action}-from-{status}")
            if t.alt_target:
                yield pytest.param(action, status, True, id=f"{action}-from-{status}-negative")


def _illegal_cases():
    for action, t in TRANSITIONS.items():
        for status in Status.values:
            if status not in t.sources:
                yield pytest.param(action, status, id=f"{action}-from-{status}")


def _refusal_cases():
    for action, t in TRANSITIONS.items():
        for name, role in [("amy", Role.AGENT), ("hank", Role.HANDLER), ("sam", Role.SUPERVISOR),
                           ("mia", Role.MANAGER), ("monty", Role.MONITOR), ("ada", Role.ADMIN)]:
            if role not in t.roles and not t.relations & RELATIONS.get(name, set()):
                yield pytest.param(action, name, id=f"{action}-by-{name}")


def test_every_action_in_the_table_is_covered_here():
    assert set(ACTOR) == set(TRANSITIONS)


@pytest.mark.parametrize(("action", "status", "negative"), list(_legal_cases()))
def test_a_permitted_actor_moves_the_complaint_to_the_target(action, status, negative, org, complaint_in):
    t = TRANSITIONS[action]
    c = complaint_in(status)
    ctx = _prepare(action, c, org)
    events_before = c.events.count()

    _run(action, c, org, org.users[ACTOR[action]], negative=negative, ctx=ctx)

    c.refresh_from_db()
    expected = t.alt_target if negative else (t.target or status)
    assert c.status == expected
    new_events = list(c.events.order_by("id")[events_before:])
    assert new_events, "every action leaves a trace on the timeline"
    assert all(e.actor in (org.users[ACTOR[action]], None) for e in new_events)
    if expected != status:
        moves = [e for e in new_events if e.kind == "status"]
        assert moves[-1].before == {"status": status}
        assert moves[-1].after == {"status": expected}


@pytest.mark.parametrize(("action", "status"), list(_illegal_cases()))
def test_an_action_from_a_status_outside_its_sources_is_refused_and_changes_nothing(
        action, status, org, complaint_in):
    c = complaint_in(status)
    ctx = _prepare(action, c, org)
    before = snapshot(c)

    with pytest.raises(Conflict):
        _run(action, c, org, org.users[ACTOR[action]], ctx=ctx)

    assert snapshot(c) == before
    assert Complaint.objects.get(pk=c.pk).status == status


@pytest.mark.parametrize(("action", "username"), list(_refusal_cases()))
def test_a_role_the_table_does_not_permit_is_refused_and_changes_nothing(action, username, org, complaint_in):
    c = complaint_in(TRANSITIONS[action].sources[0])
    ctx = _prepare(action, c, org)
    before = snapshot(c)

    with pytest.raises(NotAllowed):
        _run(action, c, org, org.users[username], ctx=ctx)

    assert snapshot(c) == before


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_a_handler_of_another_department_cannot_even_find_the_complaint(action, org, complaint_in):
    c = complaint_in(TRANSITIONS[action].sources[0])
    ctx = _prepare(action, c, org)
    before = snapshot(c)

    with pytest.raises(NotFound):
        _run(action, c, org, org.holly, ctx=ctx)

    assert snapshot(c) == before


def test_the_registering_agent_may_cancel_only_a_new_complaint(org, complaint_in):
    fresh = complaint_in(Status.NEW)
    actions.cancel(fresh.number, actor=org.amy, reason="客户重复来电，已合并")
    fresh.refresh_from_db()
    assert fresh.status == Status.CANCELLED
    assert fresh.cancel_reason == "客户重复来电，已合并"

    handled = complaint_in(Status.IN_PROGRESS)
    before = snapshot(handled)
    with pytest.raises(NotAllowed):
        actions.cancel(handled.number, actor=org.amy, reason="客户撤回")
    assert snapshot(handled) == before


def test_a_cancel_needs_a_reason(org, complaint_in):
    from loopdesk.core.errors import ValidationFailed

    c = complaint_in(Status.NEW)
    with pytest.raises(ValidationFailed) as err:
        actions.cancel(c.number, actor=org.sam, reason="  ")
    assert "reason" in err.value.errors
    assert Complaint.objects.get(pk=c.pk).status == Status.NEW


def test_it_walks_the_whole_loop_from_registration_to_archive(org, register):
    c = register()
    n = c.number
    actions.accept(n, actor=org.hank)
    actions.start(n, actor=org.hank)
    actions.wait_customer(n, actor=org.hank, reason="等待客户提供签收照片")
    actions.resume(n, actor=org.hank)
    actions.propose_solution(n, actor=org.hank, measures="补发商品", compensation_kind="coupon",
                             compensation_amount=Decimal("20"))
    actions.record_response(n, actor=org.amy, response="accepted")
    actions.resolve(n, actor=org.hank, summary="已补发，客户确认收到")
    actions.request_callback(n, actor=org.hank)
    actions.record_satisfaction(n, actor=org.amy, scores=HAPPY)
    actions.verify(n, actor=org.monty, passed=True)
    actions.archive(n, actor=org.monty)

    moves = list(Event.objects.filter(complaint=c, kind="status").values_list("after__status", flat=True))
    assert moves == ["accepted", "in_progress", "awaiting_customer", "in_progress", "solution_pending",
                     "in_progress", "resolved", "callback_pending", "closed", "archived"]


@pytest.mark.parametrize("status", [Status.ARCHIVED, Status.CANCELLED])
def test_nothing_can_be_done_to_an_archived_or_cancelled_complaint(status, org, complaint_in):
    c = complaint_in(status)
    assert targets_from(status) == []
    for user in org.users.values():
        assert available_actions(user, c) == []
