"""Every configuration list page costs the same number of queries however many rows it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopdesk.accounts.models import Department, Role, User
from loopdesk.classification.models import PriorityRule, ProblemType
from loopdesk.deadlines.models import CalendarDay, SlaPolicy
from loopdesk.routing.models import RoutingRule

PAGES = ["/config/", "/config/problem-types/", "/config/routing/", "/config/priority/", "/config/sla/",
         "/config/calendar/", "/config/users/", "/config/departments/"]
if apps.is_installed("loopdesk.notifications"):
    PAGES.append("/config/webhooks/")


def _more_rows(org, n: int, start: int) -> None:
    for i in range(start, start + n):
        dept = Department.objects.create(code=f"d{i}", name_zh=f"部门{i}", name_en=f"Dept {i}")
        user = User.objects.create_user(f"user{i}", password="x", role=Role.HANDLER, department=dept)
        root = ProblemType.objects.create(code=f"root{i}", name_zh=f"类{i}", name_en=f"Type {i}", order=100 + i)
        child = ProblemType.objects.create(code=f"child{i}", parent=root, name_zh=f"子{i}", name_en=f"Sub {i}")
        RoutingRule.objects.create(order=200 + i, name=f"rule {i}", problem_type=child, department=dept, user=user)
        PriorityRule.objects.create(order=200 + i, risk="high", priority="A")
        SlaPolicy.objects.create(name=f"sla {i}", priority="B", problem_type=child, resolution=8)
        CalendarDay.objects.create(date=timezone.localdate() + timedelta(days=i + 1), kind="holiday", name=f"假{i}")
        if apps.is_installed("loopdesk.notifications"):
            from loopdesk.notifications.models import WebhookEndpoint

            WebhookEndpoint.objects.create(name=f"hook {i}", url=f"https://example.com/{i}")


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_do_not_grow_with_rows(org, admin, url):
    _more_rows(org, 2, 0)
    few = _count(admin, url)
    _more_rows(org, 6, 10)
    many = _count(admin, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with more"
