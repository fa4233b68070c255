"""manage.py load_demo: the organisation, the complaints and their timelines.

The demo is loaded once per module (60 complaints) inside a transaction that is rolled back at
the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from loopdesk.accounts.models import Department, Role, User
from loopdesk.complaints.models import Channel, Complaint, Event, Status
from loopdesk.demo.organisation import DEMO_PASSWORD
from loopdesk.routing.models import RoutingRule

COUNT = 60


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.core.cache import cache

    from loopdesk.core import memo

    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()  # rows memoised by an earlier module may name ids that no longer exist
        memo.clear()
        out = StringIO()
        call_command("load_demo", complaints=COUNT, seed=7, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_it_builds_the_organisation(demo, db):
    assert set(Department.objects.values_list("name_zh", flat=True)) == {
        "客服中心", "技术支持部", "物流协调部", "售后服务部", "财务部", "人力资源部", "质量管理部"}
    for username, role in [("agent", Role.AGENT), ("handler", Role.HANDLER), ("supervisor", Role.SUPERVISOR),
                           ("manager", Role.MANAGER), ("monitor", Role.MONITOR), ("admin", Role.ADMIN)]:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert user.display_name
    assert User.objects.filter(role=Role.HANDLER, department__code="logistics").count() >= 2
    assert User.objects.filter(role=Role.HANDLER, department__code="tech").count() >= 2
    assert User.objects.get(username="admin").is_superuser


def test_it_routes_each_kind_of_problem_to_its_department(demo, db):
    routes = {(r.problem_type.code if r.problem_type else ""): (r.department.code, r.role)
              for r in RoutingRule.objects.select_related("problem_type", "department")}
    assert routes["product_function"] == ("tech", Role.HANDLER)
    assert routes["logistics"] == ("logistics", Role.HANDLER)
    assert routes["service_attitude"] == ("cs", Role.SUPERVISOR)
    assert routes["billing"] == ("finance", Role.HANDLER)
    assert routes["after_sales"] == ("aftersales", Role.HANDLER)
    assert routes[""] == ("cs", Role.AGENT)
    assert RoutingRule.objects.order_by("-order").first().problem_type is None  # the fallback comes last


def test_it_creates_complaints_in_every_status_and_channel(demo, db):
    assert Complaint.objects.count() == COUNT
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Complaint.objects.filter(owner__isnull=True).count() == 0


def test_it_includes_repeat_vip_and_group_complaints(demo, db):
    assert Complaint.objects.filter(is_repeat=True, repeat_of__isnull=False).exists()
    assert Complaint.objects.filter(customer__level="vip").exists()
    assert Complaint.objects.exclude(scope="individual").count() >= 3
    assert Complaint.objects.filter(received_at__lt=timezone.now() - timedelta(days=60)).exists()


def test_every_timeline_starts_with_registration_and_runs_forward(demo, db):
    events: dict[int, list[Event]] = {}
    for e in Event.objects.order_by("complaint_id", "id"):
        events.setdefault(e.complaint_id, []).append(e)
    now = timezone.now()
    for c in Complaint.objects.all():
        timeline = events[c.pk]
        assert timeline[0].action == "register", c.number
        assert timeline[0].at == c.registered_at
        times = [e.at for e in timeline]
        assert times == sorted(times), c.number
        assert times[-1] <= now
        assert c.received_at <= c.registered_at
        for later in (c.accepted_at, c.first_response_at, c.resolved_at, c.cancelled_at):
            assert later is None or c.registered_at <= later <= now, c.number
        assert c.accepted_at is None or c.resolved_at is None or c.accepted_at <= c.resolved_at
        assert c.closed_at is None or c.resolved_at <= c.closed_at
        assert c.archived_at is None or c.closed_at <= c.archived_at


def test_statuses_match_their_timestamps(demo, db):
    for c in Complaint.objects.all():
        if c.status in (Status.CLOSED, Status.ARCHIVED):
            assert c.closed_at and c.resolved_at, c.number
        if c.status == Status.ARCHIVED:
            assert c.archived_at, c.number
        if c.status == Status.CANCELLED:
            assert c.cancelled_at and c.cancel_reason, c.number
        if c.status == Status.REOPENED:
            assert c.reopen_count >= 1, c.number
        if c.status == Status.NEW:
            assert c.accepted_at is None, c.number


def test_it_prints_the_addresses_and_the_demo_logins(demo):
    assert "http://127.0.0.1:8000/" in demo
    assert "/api/v1/docs" in demo
    assert DEMO_PASSWORD in demo
    for username in ("agent", "handler", "supervisor", "manager", "monitor", "admin"):
        assert f" {username} " in demo


def test_it_does_nothing_with_if_empty_when_complaints_exist(demo, db):
    events = Event.objects.count()
    out = StringIO()
    call_command("load_demo", complaints=5, if_empty=True, stdout=out)
    assert Complaint.objects.count() == COUNT
    assert Event.objects.count() == events
    assert "not loaded" in out.getvalue()
