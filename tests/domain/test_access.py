"""Who sees which complaints and whose contact data (SPEC §8)."""

from __future__ import annotations

import pytest

from loopdesk.accounts.models import Role, User
from loopdesk.complaints import actions
from loopdesk.complaints.access import (
    access_complaint,
    can_reveal_contact,
    mask_email,
    mask_phone,
    visible_complaints,
)
from loopdesk.complaints.models import Status, SubTask
from loopdesk.core.errors import NotAllowed, NotFound


@pytest.fixture
def two(org, register):
    """One complaint routed to logistics (hank) and one routed to tech support (holly)."""
    logistics = register()
    tech = register(problem_type="feature_fault", customer={"phone": "13900000001"})
    assert (logistics.owner, tech.owner) == (org.hank, org.holly)
    return type("Two", (), {"logistics": logistics, "tech": tech})


def seen(user: User) -> set[str]:
    return set(visible_complaints(user).values_list("number", flat=True))


@pytest.mark.parametrize("who", ["amy", "mia", "monty", "ada"])
def test_agents_managers_monitors_and_admins_see_everything(who, org, two):
    assert seen(org.users[who]) == {two.logistics.number, two.tech.number}


def test_a_handler_sees_only_their_departments_complaints(org, two):
    assert seen(org.hank) == {two.logistics.number}
    assert seen(org.holly) == {two.tech.number}


def test_a_handler_sees_a_complaint_of_another_department_they_co_handle(org, two):
    actions.add_co_handler(two.tech.number, actor=org.holly, user_id=org.hank.pk)
    assert seen(org.hank) == {two.logistics.number, two.tech.number}


def test_a_handler_sees_a_complaint_where_they_own_a_subtask(org, two):
    SubTask.objects.create(complaint=two.tech, title="协调物流补发", owner=org.hank)
    assert seen(org.hank) == {two.logistics.number, two.tech.number}


def test_a_handler_sees_a_complaint_handed_over_to_them(org, two):
    actions.handover(two.tech.number, actor=org.holly, to_user_id=org.hank.pk, reason="实为物流问题，转物流部")
    assert two.tech.number in seen(org.hank)
    assert two.tech.number not in seen(org.holly)


def test_a_handler_without_a_department_sees_only_what_they_work_on(org, two):
    loner = User.objects.create_user(username="lee", password="pw-lee-123", role=Role.HANDLER)
    assert seen(loner) == set()
    actions.add_co_handler(two.tech.number, actor=org.holly, user_id=loner.pk)
    assert seen(loner) == {two.tech.number}


def test_a_supervisor_sees_their_own_and_supervised_departments(org, two):
    assert seen(org.sam) == {two.logistics.number}
    org.sam.supervised_departments.add(org.depts["tech"])
    assert seen(org.sam) == {two.logistics.number, two.tech.number}


def test_supervised_departments_mean_nothing_for_other_roles(org, two):
    org.hank.supervised_departments.add(org.depts["tech"])
    assert seen(org.hank) == {two.logistics.number}


def test_an_inactive_account_sees_nothing(org, two):
    org.amy.is_active = False
    org.amy.save()
    assert seen(org.amy) == set()


def test_an_invisible_complaint_is_reported_as_not_found(org, two):
    with pytest.raises(NotFound):
        access_complaint(org.holly, two.logistics.number)
    with pytest.raises(NotFound):
        access_complaint(org.holly, "20991231-TEL-9999")
    assert access_complaint(org.hank, two.logistics.number) == two.logistics


# --- masking and revealing contact data ----------------------------------------------------------

@pytest.mark.parametrize(("phone", "masked"), [
    ("13812341234", "138****1234"),
    ("021-6234567", "021****4567"),
    ("12345", "1**45"),
    ("1234", "****"),
    ("", ""),
])
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked


def test_email_addresses_are_masked():
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("@example.com") == "****@example.com"


@pytest.mark.parametrize(("who", "allowed"), [
    ("amy", True), ("sam", True), ("ada", True), ("hank", True),
    ("mia", False), ("monty", False), ("holly", False),
])
def test_who_may_reveal_the_customers_contact(who, allowed, org, two):
    assert can_reveal_contact(org.users[who], two.logistics) is allowed


def test_a_co_handler_may_reveal_the_contact_of_the_complaint_they_work_on(org, two):
    assert not can_reveal_contact(org.hank, two.tech)
    actions.add_co_handler(two.tech.number, actor=org.holly, user_id=org.hank.pk)
    assert can_reveal_contact(org.hank, two.tech)


def test_a_subtask_owner_does_not_get_the_customers_contact(org, two):
    SubTask.objects.create(complaint=two.tech, title="协调物流补发", owner=org.hank)
    assert not can_reveal_contact(org.hank, two.tech)


@pytest.mark.parametrize("who", ["mia", "monty"])
def test_a_refused_reveal_leaves_no_trace(who, org, two):
    with pytest.raises(NotAllowed):
        actions.reveal_contact(two.logistics.number, actor=org.users[who])
    assert not two.logistics.events.filter(kind="contact_revealed").exists()


def test_cancelled_complaints_stay_visible_to_their_department(org, complaint_in):
    c = complaint_in(Status.CANCELLED)
    assert c.number in seen(org.hank)


def test_a_handler_keeps_sight_of_a_complaint_they_registered_for_another_department(org, register):
    c = register(actor="hank", problem_type="feature_fault")
    assert c.department == org.depts["tech"]
    assert c.number in seen(org.hank)


def test_the_scope_holds_when_the_visible_complaints_are_a_subquery_or_combined(org, register, two):
    # The scope is one SQL condition that names the complaint table by its alias in the query; used
    # as a subquery (where the table is renamed), correlated, or combined, it must still select the
    # same complaints.
    from django.db.models import Exists, OuterRef

    from loopdesk.complaints.models import Complaint, Event

    third = register(problem_type="feature_fault", customer={"phone": "13900000002"})
    SubTask.objects.create(complaint=third, title="协调物流补发", owner=org.hank)
    mine = {two.logistics.pk, third.pk}
    assert set(visible_complaints(org.hank).values_list("pk", flat=True)) == mine

    events = Event.objects.filter(complaint__in=visible_complaints(org.hank))
    assert set(events.values_list("complaint_id", flat=True)) == mine
    correlated = Event.objects.filter(Exists(visible_complaints(org.hank).filter(pk=OuterRef("complaint_id"))))
    assert set(correlated.values_list("complaint_id", flat=True)) == mine
    either = visible_complaints(org.hank) | Complaint.objects.filter(pk=two.tech.pk)
    assert set(either.values_list("pk", flat=True)) == mine | {two.tech.pk}
    assert set(Complaint.objects.exclude(pk__in=visible_complaints(org.hank)).values_list("pk", flat=True)) == {
        two.tech.pk}
    # And for a supervisor over both departments, through a join from another table.
    org.sam.supervised_departments.add(two.tech.department)
    rows = Event.objects.filter(complaint__in=visible_complaints(org.sam), kind="registered")
    assert set(rows.values_list("complaint_id", flat=True)) >= {two.logistics.pk, two.tech.pk, third.pk}
