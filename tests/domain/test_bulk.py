"""loopdesk/core/bulk.py writes exactly what the ORM would, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from loopdesk.core import bulk
from loopdesk.deadlines.models import Deadline
from loopdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=UTC)  # microseconds must survive the trip


def _message(key: str, **over) -> tuple:
    row = {"channel": "inbox", "event": "deadline.reminder", "dedupe_key": key, "recipient": None, "address": "",
           "complaint": None, "params": {"number": "20261123-TEL-0001", "说明": "含'引号\"和\\反斜杠"},
           "status": "pending", "attempts": 0, "next_attempt_at": AT, "claim_token": "", "last_error": "",
           "created_at": AT}
    row.update(over)
    return tuple(row.values())


NAMES = ("channel", "event", "dedupe_key", "recipient", "address", "complaint", "params", "status", "attempts",
         "next_attempt_at", "claim_token", "last_error", "created_at")


def test_insert_keeps_every_value_and_skips_a_key_already_there(org):
    bulk.insert(OutboxMessage, NAMES, [_message("a", recipient=org.hank.pk), _message("b")],
                ignore_conflicts_on="dedupe_key")
    # A retry of "a" with other content is skipped, not written twice or overwritten; "c" is new.
    bulk.insert(OutboxMessage, NAMES, [_message("a", event="other"), _message("c", params={})],
                ignore_conflicts_on="dedupe_key")
    rows = {m.dedupe_key: m for m in OutboxMessage.objects.all()}
    assert sorted(rows) == ["a", "b", "c"]
    a = rows["a"]
    assert (a.event, a.recipient_id, a.next_attempt_at, a.created_at) == ("deadline.reminder", org.hank.pk, AT, AT)
    assert a.params == {"number": "20261123-TEL-0001", "说明": "含'引号\"和\\反斜杠"}
    assert rows["b"].recipient_id is None
    assert rows["c"].params == {}


def test_insert_returns_keys_in_row_order_and_update_changes_only_the_named_columns(org, make_complaint):
    number = make_complaint()["number"]
    from loopdesk.complaints.models import Complaint

    c = Complaint.objects.get(number=number)
    names = [f.name for f in Deadline._meta.concrete_fields if not f.primary_key]
    rows = [bulk.values(Deadline(complaint=c, kind="callback", cycle=cycle, amount=Decimal("2.50"), unit="days",
                                 metric="work", budget_seconds=3600, started_at=AT, meta={"n": cycle}), names)
            for cycle in (7, 8, 9)]
    pks = bulk.insert(Deadline, names, rows, returning=True)
    assert [Deadline.objects.get(pk=pk).cycle for pk in pks] == [7, 8, 9]

    later = AT.replace(hour=9)
    bulk.update(Deadline, ("due_at", "state", "meta"), [(pks[0], later, "done", {"n": "x"}), (pks[2], None, "stopped",
                                                                                                {})])
    first, second, third = (Deadline.objects.get(pk=pk) for pk in pks)
    assert (first.due_at, first.state, first.meta, first.amount) == (later, "done", {"n": "x"}, Decimal("2.50"))
    assert (second.due_at, second.state, second.meta) == (None, "running", {"n": 8})  # not in the update
    assert (third.due_at, third.state, third.meta, third.started_at) == (None, "stopped", {}, AT)


def test_values_reads_a_related_object_saved_after_it_was_assigned(org, make_complaint):
    from loopdesk.complaints.models import Complaint, Event

    c = Complaint.objects.get(number=make_complaint()["number"])
    unsaved = Complaint(number="x")
    event = Event(complaint=unsaved, kind="note", at=AT, note="n")
    unsaved.pk = c.pk  # as if saved after the event was built
    assert bulk.values(event, ("complaint", "kind", "at"))[0] == c.pk


def test_values_are_what_pre_save_gives_for_every_field(org, make_complaint, clock):
    from loopdesk.complaints.models import Complaint

    c = Complaint.objects.get(number=make_complaint()["number"])
    row = Deadline(complaint=c, kind="resolution", cycle=1, started_at=AT, meta={"n": 1}, amount=Decimal("4.00"))
    names = tuple(f.name for f in Deadline._meta.concrete_fields if not f.primary_key)

    got = dict(zip(names, bulk.values(row, names), strict=True))

    expected = {f.name: f.pre_save(row, True) for f in Deadline._meta.concrete_fields if not f.primary_key}
    assert got == expected
    assert got["updated_at"] is not None  # auto_now is set as save() would
    assert (got["complaint"], got["started_at"], got["amount"]) == (c.pk, AT, Decimal("4.00"))
