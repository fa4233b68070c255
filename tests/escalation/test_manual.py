"""Manual escalation: the workflow action and POST /api/v1/complaints/{number}/escalate."""

from __future__ import annotations

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint, Event, EventKind
from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from loopdesk.escalation.models import Escalation
from loopdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_owner_escalates_with_a_reason_and_the_supervisor_is_told(register, org):
    c = register()
    esc = actions.escalate(c.number, actor=org.hank, reason="客户要求主管出面", customer_told=True)
    assert (esc.from_level, esc.to_level, esc.to_user, esc.actor, esc.trigger) == (0, 1, org.sam, org.hank, "manual")
    assert esc.customer_told is True
    assert esc.new_due_at == Complaint.objects.get(pk=c.pk).deadlines.get(kind="resolution").due_at
    event = Event.objects.get(complaint=c, kind=EventKind.ESCALATION)
    assert event.actor == org.hank and event.note == "客户要求主管出面" and event.after["customer_told"] is True
    assert OutboxMessage.objects.filter(event="complaint.escalated", recipient=org.sam, channel="inbox").exists()


def test_a_monitor_escalates_a_lagging_complaint_straight_to_l3(register, org):
    c = register()
    esc = actions.escalate(c.number, actor=org.monty, reason="处理明显滞后", to_level=3)
    assert (esc.to_level, esc.to_user) == (3, org.ada)


def test_without_a_reason_nothing_happens(register, org):
    c = register()
    with pytest.raises(ValidationFailed) as exc:
        actions.escalate(c.number, actor=org.hank, reason="  ")
    assert list(exc.value.errors) == ["reason"]
    assert Complaint.objects.get(pk=c.pk).escalation_level == 0
    assert not Escalation.objects.exists()


def test_a_level_not_above_the_current_one_is_refused(register, org):
    c = register()
    actions.escalate(c.number, actor=org.hank, reason="需要经理", to_level=2)
    with pytest.raises(ValidationFailed) as exc:
        actions.escalate(c.number, actor=org.hank, reason="再升级", to_level=1)
    assert list(exc.value.errors) == ["to_level"]
    assert Escalation.objects.count() == 1


def test_at_l3_there_is_nowhere_to_go(register, org):
    c = register()
    actions.escalate(c.number, actor=org.hank, reason="重大舆情", to_level=3)
    with pytest.raises(Conflict):
        actions.escalate(c.number, actor=org.hank, reason="再升级")


def test_a_closed_complaint_cannot_be_escalated(register, org):
    c = register()
    Complaint.objects.filter(pk=c.pk).update(status="closed")
    with pytest.raises(Conflict):
        actions.escalate(c.number, actor=org.sam, reason="客户又来电")


def test_who_may_escalate(register, org):
    c = register()
    with pytest.raises(NotFound):
        actions.escalate(c.number, actor=org.holly, reason="不是她的投诉")
    from loopdesk.accounts.models import Department, Role, User

    other = User.objects.create_user(username="harry", role=Role.HANDLER,
                                     department=Department.objects.get(code="logistics"))
    with pytest.raises(NotAllowed):
        actions.escalate(c.number, actor=other, reason="不是他负责的")
    assert not Escalation.objects.exists()


def test_nobody_at_any_level_still_records_the_escalation_and_alerts_the_monitors(register, org):
    from loopdesk.accounts.models import User

    c = register()
    User.objects.filter(username__in=["sam", "mia", "ada"]).update(is_active=False)
    esc = actions.escalate(c.number, actor=org.hank, reason="无人值守")
    assert esc.to_user is None
    assert OutboxMessage.objects.filter(event="complaint.escalated", recipient=org.monty).exists()


def test_a_supervisor_who_only_supervises_the_department_is_found(register, org):
    from loopdesk.accounts.models import Role, User

    User.objects.filter(username="sam").update(is_active=False)
    sue = User.objects.create_user(username="sue", role=Role.SUPERVISOR, department=org.depts["cs"])
    sue.supervised_departments.add(org.depts["logistics"])
    c = register()
    assert actions.escalate(c.number, actor=org.hank, reason="主管介入").to_user == sue


def test_the_api_escalates_and_returns_the_complaint(register, api, org):
    c = register()
    r = api("hank").post(f"/complaints/{c.number}/escalate", {"reason": "客户情绪激动", "customer_told": True})
    assert r.status_code == 200, r.content
    assert r.json()["escalation_level"] == 1
    r = api("hank").get(f"/complaints/{c.number}/deadlines")
    body = r.json()
    assert body["escalation_level"] == 1
    [esc] = body["escalations"]
    assert esc["to_user"]["username"] == "sam" and esc["customer_told"] is True and esc["reason"] == "客户情绪激动"


def test_the_api_refuses_a_missing_reason_field_by_field(register, api):
    c = register()
    r = api("hank", "en").post(f"/complaints/{c.number}/escalate", {"to_level": 5})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"reason", "to_level"}
    assert Complaint.objects.get(pk=c.pk).escalation_level == 0

