"""The Django admin shows problems and actions read-only: they change through the pages and API,
which check access and write the complaints' timeline events."""

from __future__ import annotations

import pytest
from django.test import Client

from loopdesk.accounts.models import User
from loopdesk.improvement.models import Problem

pytestmark = pytest.mark.django_db


def test_admin_pages_load_and_change_nothing(org, register, problem, plan):
    p = problem(numbers=[register().number])
    a = plan(problem_id=p.pk)
    root = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client = Client()
    client.force_login(root)
    for url in ("/admin/improvement/problem/", f"/admin/improvement/problem/{p.pk}/change/",
                "/admin/improvement/improvementaction/", f"/admin/improvement/improvementaction/{a.pk}/change/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/improvement/problem/add/").status_code == 403
    r = client.post(f"/admin/improvement/problem/{p.pk}/change/", {"title": "改名"})
    assert r.status_code == 403 and Problem.objects.get(pk=p.pk).title == "洗衣机配送延迟"
