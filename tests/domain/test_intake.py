"""Registering a complaint (SPEC §1): validation, customer match, repeat detection, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint, Customer, Event, Status
from loopdesk.core import config
from loopdesk.core.errors import NotAllowed, ValidationFailed
from tests.domain.support import START, at, intake


def test_it_registers_with_routing_priority_and_timeline(org):
    result = register_complaint(intake(received_at=START - timedelta(minutes=12)), actor=org.amy)
    c = result.complaint
    assert result.created
    assert (c.number, c.status, c.priority) == ("20261123-TEL-0001", Status.NEW, "C")
    assert (c.department, c.owner, c.registered_by) == (org.depts["logistics"], org.hank, org.amy)
    assert c.registration_delay_seconds == 12 * 60
    assert list(c.events.values_list("action", flat=True))[:2] == ["register", "route"]


def test_a_customer_is_recognised_by_phone_and_enriched(org, register):
    first = register(customer={"email": ""})
    second = register(customer={"email": "zhang@example.com", "name": ""})
    assert first.customer_id == second.customer_id
    assert Customer.objects.get(pk=first.customer_id).email == "zhang@example.com"


def test_member_number_then_phone_then_email_identify_the_customer(org):
    from loopdesk.complaints.intake import CustomerInput, existing_customer

    by_email = Customer.objects.create(name="E", email="li@example.com")
    by_phone = Customer.objects.create(name="P", phone="13800001111")
    by_member = Customer.objects.create(name="M", member_no="VIP-7")
    Customer.objects.create(name="anonymous", anonymous=True, phone="13900002222")
    assert existing_customer(CustomerInput(member_no="VIP-7", phone="13800001111", email="li@example.com")) == by_member
    assert existing_customer(CustomerInput(member_no="nobody", phone="13800001111", email="li@example.com")) == by_phone
    assert existing_customer(CustomerInput(phone="13000000000", email="li@example.com")) == by_email
    # Empty details never match the many customers whose field is empty; anonymous ones are never matched.
    assert existing_customer(CustomerInput(phone="13900002222")) is None
    assert existing_customer(CustomerInput(name="nobody")) is None


def test_anonymous_customers_are_never_merged(org, register):
    a = register(customer={"anonymous": True, "phone": "", "name": ""})
    b = register(customer={"anonymous": True, "phone": "", "name": ""})
    assert a.customer_id != b.customer_id


@pytest.mark.parametrize(("over", "field"), [
    pytest.param({"subject": "  "}, "subject", id="subject"),
    pytest.param({"description": ""}, "description", id="description"),
    pytest.param({"customer": {"phone": ""}}, "customer", id="no-contact"),
    pytest.param({"received_at": START + timedelta(hours=1)}, "received_at", id="future"),
    pytest.param({"problem_type": "no_such_type"}, "problem_type", id="type"),
    pytest.param({"received_at": START, "expected_resolution_at": START - timedelta(days=1)},
                 "expected_resolution_at", id="expected-before-received"),
])
def test_bad_input_names_the_field_and_saves_nothing(over, field, org):
    with pytest.raises(ValidationFailed) as err:
        register_complaint(intake(**over), actor=org.amy)
    assert field in err.value.errors
    assert Complaint.objects.count() == 0
    assert Customer.objects.count() == 0


def test_a_monitor_cannot_register(org):
    with pytest.raises(NotAllowed):
        register_complaint(intake(), actor=org.monty)


def test_a_retry_with_the_same_key_returns_the_first_complaint(org):
    first = register_complaint(intake(), actor=org.amy, idempotency_key="call-42")
    again = register_complaint(intake(), actor=org.amy, idempotency_key="call-42")
    assert again.complaint.pk == first.complaint.pk
    assert not again.created
    assert Complaint.objects.count() == 1


# --- repeat complaints ------------------------------------------------------------------------------

def test_same_customer_and_type_within_30_days_is_a_repeat(org, register, clock):
    clock.move_to(at(2026, 11, 1), tick=False)
    first = register()
    clock.move_to(at(2026, 11, 30), tick=False)
    second = register()
    assert second.is_repeat
    assert second.repeat_of == first
    e = Event.objects.get(complaint=second, action="detect_repeat")
    assert e.after == {"repeat_of": first.number}


def test_the_most_recent_earlier_complaint_is_the_one_repeated(org, register, clock):
    clock.move_to(at(2026, 11, 1), tick=False)
    register()
    clock.move_to(at(2026, 11, 10), tick=False)
    middle = register()
    clock.move_to(at(2026, 11, 20), tick=False)
    assert register().repeat_of == middle


def test_a_complaint_outside_the_window_is_not_a_repeat(org, register, clock):
    clock.move_to(at(2026, 10, 23, 9), tick=False)
    register()
    clock.move_to(at(2026, 11, 23, 10), tick=False)  # 31 days later
    c = register()
    assert (c.is_repeat, c.repeat_of) == (False, None)


def test_a_different_type_is_not_a_repeat(org, register):
    register(problem_type="delivery_delay")
    c = register(problem_type="refund")
    assert (c.is_repeat, c.repeat_of) == (False, None)


def test_another_customer_is_not_a_repeat(org, register):
    register()
    c = register(customer={"phone": "13900009999"})
    assert (c.is_repeat, c.repeat_of) == (False, None)


def test_an_anonymous_customer_is_never_a_repeat(org, register):
    register(customer={"anonymous": True, "phone": ""})
    c = register(customer={"anonymous": True, "phone": ""})
    assert (c.is_repeat, c.repeat_of) == (False, None)


def test_a_cancelled_complaint_is_not_repeated(org, register):
    first = register()
    Complaint.objects.filter(pk=first.pk).update(status=Status.CANCELLED)
    assert register().is_repeat is False


def test_the_repeat_window_is_configurable(org, register, clock):
    config.put("repeat.window_days", 7)
    clock.move_to(at(2026, 11, 13), tick=False)
    register()
    clock.move_to(at(2026, 11, 23), tick=False)  # 10 days later
    assert register().is_repeat is False

    config.put("repeat.window_days", 14)
    clock.move_to(at(2026, 11, 24), tick=False)
    assert register().is_repeat is True


def test_a_complaint_received_earlier_than_registered_is_measured_from_its_received_time(org, register, clock):
    clock.move_to(at(2026, 11, 1), tick=False)
    register()
    clock.move_to(at(2026, 12, 5), tick=False)
    # Received on 25 November (inside the window of the 1 November complaint) but logged late.
    c = register(received_at=at(2026, 11, 25))
    assert c.is_repeat is True
