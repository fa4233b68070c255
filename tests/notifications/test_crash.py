"""A process killed between the commit and the send loses nothing (real process, real database)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from loopdesk.complaints.intake import register_complaint
from loopdesk.notifications import delivery
from loopdesk.notifications.models import InboxItem, OutboxMessage
from tests.escalation.processes import ROOT, child_env
from tests.escalation.support import intake

CHILD = """
import os, django
django.setup()
from loopdesk.accounts.models import User
from loopdesk.complaints import actions
from loopdesk.notifications import delivery
actions.escalate({number!r}, actor=User.objects.get(username="hank"), reason="客户要求主管出面")  # commits
claimed = delivery.claim(100)  # takes the messages …
print(len(claimed), flush=True)
os._exit(9)  # … and dies before sending any of them
"""

# Real commits, because another thread or process must see the rows; the migrated rows come back after.
REAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@REAL
def test_messages_committed_by_a_process_that_died_are_delivered_once_later(org):
    c = register_complaint(intake(), actor=org.amy).complaint
    delivery.drain()
    child = subprocess.run([sys.executable, "-c", CHILD.format(number=c.number)], cwd=ROOT, env=child_env(),
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 9, child.stderr
    assert int(child.stdout.strip()) >= 1
    pending = OutboxMessage.objects.filter(event="complaint.escalated", channel="inbox", recipient=org.sam)
    assert pending.get().status == "pending"

    assert delivery.drain().handled == 0  # still leased to the dead process
    with time_machine.travel(timezone.now() + timedelta(seconds=120), tick=False):
        delivery.drain()
        delivery.drain()
    assert pending.get().status == "sent"
    assert InboxItem.objects.filter(user=org.sam, event="complaint.escalated").count() == 1

