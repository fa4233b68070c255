"""The transactional outbox: written with the change, delivered at least once, shown exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.escalation.models import Escalation
from loopdesk.notifications import delivery
from loopdesk.notifications.channels import inbox as inbox_channel
from loopdesk.notifications.models import InboxItem, OutboxMessage
from loopdesk.notifications.outbox import notify

pytestmark = pytest.mark.django_db
S = timedelta(seconds=1)


def test_messages_commit_or_roll_back_with_the_change(register, org):
    c = register()
    OutboxMessage.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.escalate(c.number, actor=org.hank, reason="主管介入")
        assert OutboxMessage.objects.filter(event="complaint.escalated").exists()
        raise RuntimeError("the request failed after the escalation")
    assert not Escalation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_same_key_queues_one_message(org):
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    assert OutboxMessage.objects.filter(channel="inbox").count() == 1


def test_draining_puts_the_message_in_the_inbox_once(org):
    notify("alert.unassigned", key="k1", recipients=[org.hank, org.sam], params={"number": "X"})
    result = delivery.drain()
    assert result.sent == 2
    assert set(InboxItem.objects.values_list("user__username", flat=True)) == {"hank", "sam"}
    assert delivery.drain().handled == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failure_mid_delivery_leaves_the_message_pending_and_a_later_run_delivers_it_once(org, clock, monkeypatch):
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    real = inbox_channel.deliver

    def crash_after_writing(message):
        real(message)
        raise ConnectionError("worker lost its database mid-way")

    monkeypatch.setattr(inbox_channel, "deliver", crash_after_writing)
    assert delivery.drain().retried == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == timezone.now() + 30 * S
    assert "mid-way" in message.last_error
    assert not InboxItem.objects.exists()  # the half-done delivery rolled back

    monkeypatch.setattr(inbox_channel, "deliver", real)
    assert delivery.drain().handled == 0  # not before its retry time
    clock.shift(31)
    assert delivery.drain().sent == 1
    assert InboxItem.objects.count() == 1


def test_a_drainer_that_dies_after_claiming_loses_nothing(org, clock):
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    assert len(delivery.claim(10)) == 1  # … and the process dies before delivering
    assert delivery.drain().handled == 0  # leased to the dead drainer for a minute
    clock.shift(61)
    assert delivery.drain().sent == 1
    assert InboxItem.objects.count() == 1
    assert OutboxMessage.objects.get().attempts == 2


def test_a_redelivery_after_the_mark_was_lost_does_not_show_twice(org, clock):
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    [claimed] = delivery.claim(10)
    inbox_channel.deliver(claimed)  # delivered, then the drainer died before marking it sent
    clock.shift(61)
    assert delivery.drain().sent == 1
    assert InboxItem.objects.filter(user=org.hank).count() == 1


def test_a_drainer_whose_lease_ran_out_does_not_overwrite_the_new_owner(org, clock):
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    [slow] = delivery.claim(10)
    clock.shift(61)
    [fast] = delivery.claim(10)
    assert delivery.deliver(fast) == "sent"
    assert delivery.deliver(slow) == "pending"  # lease lost: its work is rolled back, nothing is changed
    assert InboxItem.objects.count() == 1
    assert OutboxMessage.objects.get().status == "sent"


def test_retries_back_off_exponentially_and_then_give_up(org, clock, monkeypatch, settings):
    settings.LOOPDESK_OUTBOX_MAX_ATTEMPTS = 3
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    monkeypatch.setattr(inbox_channel, "deliver", lambda m: (_ for _ in ()).throw(OSError("down")))
    waits = []
    for _ in range(3):
        delivery.drain()
        message = OutboxMessage.objects.get()
        waits.append((message.next_attempt_at - timezone.now()).total_seconds())
        clock.move_to(message.next_attempt_at + S)
    assert waits == [30, 60, 120]
    assert message.status == "dead" and message.attempts == 3
    assert delivery.drain().handled == 0


def test_two_claims_never_share_a_message(org):
    for i in range(5):
        notify("alert.unassigned", key=f"k{i}", recipients=[org.hank], params={"number": "X"})
    first, second = delivery.claim(3), delivery.claim(3)
    assert len(first) == 3 and len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}


def test_people_with_an_address_also_get_an_email(org):
    org.hank.email = "hank@example.com"
    org.hank.save(update_fields=["email"])
    notify("alert.unassigned", key="k1", recipients=[org.hank, org.sam], params={"number": "20261123-TEL-0001"})
    assert delivery.drain().sent == 3  # two inbox items, one email
    [email] = mail.outbox
    assert email.to == ["hank@example.com"]
    assert "20261123-TEL-0001" in email.subject
    assert email.extra_headers["Message-ID"].startswith("<outbox-")


def test_inactive_people_are_not_notified(org):
    org.hank.is_active = False
    notify("alert.unassigned", key="k1", recipients=[org.hank], params={"number": "X"})
    assert not OutboxMessage.objects.exists()
