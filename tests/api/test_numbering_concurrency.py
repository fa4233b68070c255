"""Complaint numbers under concurrent intake (SPEC §1): unique, never reused, and — when nothing
fails — contiguous per day and channel.

Each writer is a thread with its own database connection, registering through the domain
(loopdesk.complaints.intake.register_complaint) at the same moment. PostgreSQL row-locks the
counter; SQLite serialises writers with its write lock, so the same test runs on both.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict

import pytest
import time_machine
from django.db import connection

from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Complaint, NumberSequence
from tests.api.support import register

WRITERS = 8
EACH = 3
DAY = "2026-11-23 10:00:00+08:00"


def _run_writers(org, channels: list[str]) -> list[str]:
    barrier = threading.Barrier(WRITERS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    users = [org.amy, org.hank, org.sam, org.ada]

    def writer(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            for j in range(EACH):
                data = IntakeInput(
                    channel=channels[(i + j) % len(channels)], subject=f"并发登记 {i}-{j}",
                    description="同一时刻多个坐席登记投诉",
                    customer=CustomerInput(name=f"客户{i}", phone=f"1380000{i:02d}{j:02d}"),
                    problem_type="delivery_delay",
                )
                c = register_complaint(data, actor=users[i % len(users)]).complaint
                with lock:
                    numbers.append(c.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert not errors, errors
    return numbers


def _serials(numbers: list[str]) -> dict[str, list[int]]:
    by_scope: dict[str, list[int]] = defaultdict(list)
    for n in numbers:
        m = re.fullmatch(r"(\d{8}-[A-Z]+)-(\d{4})", n)
        assert m, n
        by_scope[m.group(1)].append(int(m.group(2)))
    return by_scope


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_simultaneous_writers_get_unique_contiguous_numbers(org):
    with time_machine.travel(DAY, tick=True):
        numbers = _run_writers(org, ["TEL"])
    total = WRITERS * EACH
    assert len(numbers) == total and len(set(numbers)) == total
    serials = _serials(numbers)
    assert list(serials) == ["20261123-TEL"]
    assert sorted(serials["20261123-TEL"]) == list(range(1, total + 1))
    assert Complaint.objects.count() == total
    assert set(Complaint.objects.values_list("number", flat=True)) == set(numbers)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_channel_counts_on_its_own_under_concurrency(org):
    with time_machine.travel(DAY, tick=True):
        numbers = _run_writers(org, ["TEL", "WEB"])
    serials = _serials(numbers)
    assert set(serials) == {"20261123-TEL", "20261123-WEB"}
    for scope, got in serials.items():
        assert sorted(got) == list(range(1, len(got) + 1)), (scope, sorted(got))
    assert sum(len(v) for v in serials.values()) == WRITERS * EACH
    assert sorted(NumberSequence.objects.values_list("last_value", flat=True)) == sorted(
        len(v) for v in serials.values())


@time_machine.travel(DAY, tick=False)
def test_a_number_lost_to_a_failed_intake_is_never_reused(org, monkeypatch):
    import loopdesk.complaints.intake as intake

    real_route = intake.route

    def broken(**kw):
        raise RuntimeError("routing table unavailable")

    monkeypatch.setattr(intake, "route", broken)
    with pytest.raises(RuntimeError):
        register(org)
    monkeypatch.setattr(intake, "route", real_route)
    assert register(org).number == "20261123-TEL-0002"
    assert not Complaint.objects.filter(number="20261123-TEL-0001").exists()


@time_machine.travel(DAY, tick=False)
def test_the_serial_starts_again_on_a_new_day(org):
    assert register(org).number == "20261123-TEL-0001"
    with time_machine.travel("2026-11-24 00:00:01+08:00", tick=False):
        assert register(org, phone="13900000000").number == "20261124-TEL-0001"
