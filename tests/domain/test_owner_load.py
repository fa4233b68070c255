"""Open complaints per owner (routing.OwnerLoad), kept by triggers on the complaint table: every way a
complaint is written keeps the counts equal to counting the complaints themselves."""

from __future__ import annotations

import pytest
from django.db.models import Count

from loopdesk.complaints import actions
from loopdesk.complaints.models import OPEN_STATUSES, Complaint, Status
from loopdesk.routing.models import OwnerLoad


def counted() -> dict[int, int]:
    """What least-loaded routing would get by counting: open complaints per owner."""
    rows = (Complaint.objects.filter(owner__isnull=False, status__in=OPEN_STATUSES)
            .values("owner_id").annotate(n=Count("id")).values_list("owner_id", "n"))
    return dict(rows)


def kept() -> dict[int, int]:
    return {u: n for u, n in OwnerLoad.objects.values_list("user_id", "open_count") if n}


@pytest.mark.parametrize("status", list(Status))
def test_every_status_counts_as_the_model_says(status, org, register):
    # Also what keeps the triggers' list of open statuses (migration routing/0002) equal to OPEN_STATUSES.
    c = register()
    Complaint.objects.filter(pk=c.pk).update(status=status)
    assert kept() == counted()
    assert kept().get(org.hank.pk, 0) == (1 if status in OPEN_STATUSES else 0)


def test_owner_changes_move_the_count(org, register):
    c = register()
    assert kept() == {org.hank.pk: 1}
    Complaint.objects.filter(pk=c.pk).update(owner=org.holly)
    assert kept() == {org.holly.pk: 1}
    Complaint.objects.filter(pk=c.pk).update(owner=None)
    assert kept() == {}
    Complaint.objects.filter(pk=c.pk).update(owner=org.hank, status=Status.CLOSED)
    assert kept() == {}
    Complaint.objects.filter(pk=c.pk).update(status=Status.REOPENED)
    assert kept() == {org.hank.pk: 1}


def test_bulk_writes_are_counted(org, register):
    for i in range(4):
        register(customer={"phone": f"1390000000{i}"})
    Complaint.objects.filter(owner=org.hank, pk__gt=Complaint.objects.order_by("id").first().pk).update(owner=org.holly)
    assert kept() == counted() == {org.hank.pk: 1, org.holly.pk: 3}


def test_the_workflow_keeps_the_count(org, register):
    c = register()
    actions.handover(c.number, actor=org.hank, to_user_id=org.holly.pk, reason="技术问题，转给技术支持同事处理")
    assert kept() == counted() == {org.holly.pk: 1}
    actions.cancel(c.number, actor=org.mia, reason="客户撤回投诉，双方已协商一致")
    assert kept() == counted() == {}
