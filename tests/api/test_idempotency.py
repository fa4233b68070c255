"""Intake is retry-safe (SPEC §8): the same Idempotency-Key from the same caller registers once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from loopdesk.complaints.models import Complaint, Customer, Event
from tests.api.support import snapshot
from tests.conftest import Api, complaint_payload


def _payload(**over) -> dict:
    p = complaint_payload(**over)
    p.pop("received_at", None)
    return p


def test_a_retry_with_the_same_key_returns_the_first_complaint_and_creates_nothing(api, org):
    client = api("amy")
    first = client.post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "call-0001"})
    assert first.status_code == 201, first.content
    before = snapshot()
    again = client.post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "call-0001"})
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1
    assert snapshot() == before


def test_a_retry_returns_the_original_even_if_the_body_changed_in_between(api, org):
    client = api("amy")
    first = client.post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "form-7"})
    again = client.post("/complaints", _payload(subject="改了标题"), headers={"HTTP_IDEMPOTENCY_KEY": "form-7"})
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["subject"] == "快递一周未送达"
    assert Complaint.objects.count() == 1


def test_different_callers_with_the_same_key_get_different_complaints(api, org):
    a = api("amy").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "shared"})
    s = api("sam").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "shared"})
    assert a.status_code == s.status_code == 201
    assert a.json()["number"] != s.json()["number"]
    assert Complaint.objects.count() == 2


def test_without_a_key_every_post_registers_a_new_complaint(api, org):
    client = api("amy")
    numbers = {client.post("/complaints", _payload()).json()["number"] for _ in range(2)}
    assert len(numbers) == 2


def test_a_key_over_one_hundred_characters_is_a_field_error_and_saves_nothing(api, org):
    before = snapshot()
    r = api("amy", "en").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k" * 101})
    assert r.status_code == 422
    assert "Idempotency-Key" in r.json()["errors"]
    assert snapshot() == before
    ok = api("amy").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k" * 100})
    assert ok.status_code == 201


def test_a_failed_first_attempt_does_not_burn_the_key(api, org):
    client = api("amy", "en")
    bad = client.post("/complaints", _payload(subject=""), headers={"HTTP_IDEMPOTENCY_KEY": "retry-me"})
    assert bad.status_code == 422
    good = client.post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "retry-me"})
    assert good.status_code == 201


def test_a_role_that_may_not_register_is_refused_even_when_replaying_someone_elses_key(api, org):
    api("amy").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k1"})
    r = api("monty").post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k1"})
    assert r.status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_retries_with_one_key_register_one_complaint(org):
    """A double-click: the same request arrives on several workers at once."""
    user = org.amy
    workers = 6
    barrier = threading.Barrier(workers)
    results: list = []
    errors: list = []

    def post():
        try:
            client = Api(user, "en")
            barrier.wait(timeout=30)
            r = client.post("/complaints", _payload(), headers={"HTTP_IDEMPOTENCY_KEY": "double-click"})
            results.append((r.status_code, r.json().get("number")))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    statuses = sorted(s for s, _n in results)
    assert statuses == [200] * (workers - 1) + [201], results
    assert len({n for _s, n in results}) == 1
    assert Complaint.objects.count() == 1 and Customer.objects.count() == 1
    assert Event.objects.filter(action="register").count() == 1
