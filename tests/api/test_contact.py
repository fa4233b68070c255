"""Revealing a customer's full contact data: only for those who need it, and every reveal leaves an
audit-log row and a timeline event (SPEC §8)."""

from __future__ import annotations

import pytest

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import actions
from loopdesk.complaints.models import Customer, Event, EventKind
from tests.api.support import complaint_in, snapshot


@pytest.fixture
def complaint(org):
    c = complaint_in(org, "accepted")
    Customer.objects.filter(pk=c.customer_id).update(email="zhang.san@example.com", member_no="VIP-0086")
    return c


def _reveals(complaint):
    return (AuditLog.objects.filter(action="reveal_contact", target=complaint.number).count(),
            Event.objects.filter(complaint=complaint, kind=EventKind.CONTACT_REVEALED).count())


@pytest.mark.parametrize("username", ["amy", "sam", "ada", "hank"],
                         ids=["agent", "supervisor", "admin", "handler working on it"])
def test_those_who_need_it_see_the_full_contact_data_and_it_is_audited(api, complaint, username, org):
    r = api(username).post(f"/complaints/{complaint.number}/contact")
    assert r.status_code == 200, r.content
    assert r.json() == {"name": "张先生", "phone": "13812341234", "email": "zhang.san@example.com",
                        "member_no": "VIP-0086"}
    log = AuditLog.objects.get(action="reveal_contact")
    assert log.actor == org.users[username] and log.target == complaint.number and log.ip == "127.0.0.1"
    ev = Event.objects.get(complaint=complaint, kind=EventKind.CONTACT_REVEALED)
    assert ev.actor == org.users[username] and ev.action == "reveal_contact"
    assert not ev.customer_visible


def test_every_reveal_is_recorded_not_just_the_first(api, complaint):
    for _ in range(3):
        assert api("amy").post(f"/complaints/{complaint.number}/contact").status_code == 200
    assert _reveals(complaint) == (3, 3)


def test_a_co_handler_from_another_department_may_see_the_contact_data(api, org, complaint):
    actions.add_co_handler(complaint.number, actor=org.ada, user_id=org.holly.pk)
    r = api("holly").post(f"/complaints/{complaint.number}/contact")
    assert r.status_code == 200
    assert r.json()["phone"] == "13812341234"
    assert _reveals(complaint) == (1, 1)


@pytest.mark.parametrize(("username", "status"), [("monty", 403), ("mia", 403), ("holly", 404), (None, 401)],
                         ids=["monitor", "manager", "handler of another department", "anonymous"])
def test_others_are_refused_and_nothing_is_recorded(api, complaint, username, status):
    before = snapshot(complaint.number)
    r = api(username, "en").post(f"/complaints/{complaint.number}/contact")
    assert r.status_code == status
    assert b"13812341234" not in r.content and b"zhang.san" not in r.content
    assert _reveals(complaint) == (0, 0)
    assert snapshot(complaint.number) == before


def test_a_handler_who_only_owns_a_subtask_may_not_see_the_contact_data(api, org):
    c = complaint_in(org, "in_progress")
    actions.add_subtask(c.number, actor=org.ada, title="检查主板", owner_id=org.holly.pk)
    r = api("holly").post(f"/complaints/{c.number}/contact")
    assert r.status_code == 403
    assert _reveals(c) == (0, 0)


def test_the_complaint_itself_shows_contact_data_masked(api, complaint):
    r = api("ada").get(f"/complaints/{complaint.number}")
    assert r.json()["customer"]["phone"] == "138****1234"
    assert r.json()["customer"]["email"] == "z***@example.com"
    assert b"13812341234" not in r.content and b"zhang.san" not in r.content
    assert _reveals(complaint) == (0, 0)


def test_revealing_an_anonymous_customer_reveals_nothing_but_is_still_audited(api, org):
    from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint

    c = register_complaint(IntakeInput(channel="WEB", subject="匿名投诉", description="门店服务态度差",
                                       customer=CustomerInput(anonymous=True)), actor=org.amy).complaint
    r = api("amy").post(f"/complaints/{c.number}/contact")
    assert r.status_code == 200
    assert r.json()["phone"] == "" and r.json()["email"] == ""
    assert _reveals(c) == (1, 1)
