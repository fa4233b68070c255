"""Every configuration page is for administrators only: others get 403, strangers the sign-in page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from loopdesk.accounts.models import Department
from loopdesk.classification.models import PriorityRule, ProblemType
from loopdesk.deadlines.models import CalendarDay, SlaPolicy, WorkingPeriod
from loopdesk.routing.models import RoutingRule
from tests.config.conftest import snapshot

ROLES = ["amy", "hank", "holly", "sam", "mia", "monty", "ada"]
SECTIONS = {
    "problem_type": ProblemType, "routing_rule": RoutingRule, "priority_rule": PriorityRule, "sla_policy": SlaPolicy,
    "calendar_day": CalendarDay, "working_period": WorkingPeriod, "department": Department, "user": None,
}
if apps.is_installed("loopdesk.notifications"):
    from loopdesk.notifications.models import WebhookEndpoint

    SECTIONS["webhook"] = WebhookEndpoint


def _first_pk(org, name: str) -> int:
    model = SECTIONS[name]
    if model is None:
        return org.hank.pk
    row = model.objects.order_by("pk").first()
    if row is None:
        row = _make(name)
    return row.pk


def _make(name: str):
    from datetime import date

    if name == "calendar_day":
        return CalendarDay.objects.create(date=date(2030, 10, 8), kind="holiday", name="国庆节")
    if name == "sla_policy":
        return SlaPolicy.objects.create(name="A 默认", priority="A", resolution=4, resolution_unit="working_hours")
    if name == "priority_rule":
        return PriorityRule.objects.create(order=1, risk="high", priority="A")
    if name == "webhook":
        return SECTIONS["webhook"].objects.create(name="ERP", url="https://erp.example.com/hook")
    raise AssertionError(name)


def page_urls(org) -> list[str]:
    urls = [reverse("config:index"), reverse("config:numbering"), reverse("config:limits"),
            reverse("config:monitoring"), reverse("config:user_password", args=[org.hank.pk])]
    for name in SECTIONS:
        urls += [reverse(f"config:{name}_new"), reverse(f"config:{name}_edit", args=[_first_pk(org, name)])]
        if name != "working_period":  # listed on the calendar page
            urls.append(reverse(f"config:{name}"))
    return urls


@pytest.mark.parametrize("username", ROLES)
def test_only_admins_open_any_configuration_page(org, as_user, username):
    client = as_user(username)
    for url in page_urls(org):
        r = client.get(url)
        expected = 200 if username == "ada" else 403
        assert r.status_code == expected, (url, r.status_code)
        if expected == 403:
            assert "Only administrators can change the configuration." in r.content.decode()


def test_strangers_are_sent_to_sign_in(org, as_user):
    for url in page_urls(org):
        r = as_user(None).get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("username", [u for u in ROLES if u != "ada"])
def test_non_admins_change_nothing_by_posting(org, as_user, username):
    client = as_user(username)
    cal = _make("calendar_day")
    before = snapshot()
    posts = {
        reverse("config:problem_type_new"): {"code": "x", "name_zh": "某", "name_en": "X", "order": 1, "active": "on"},
        reverse("config:department_delete", args=[org.depts["finance"].pk]): {},
        reverse("config:calendar_day_delete", args=[cal.pk]): {},
        reverse("config:user_edit", args=[org.hank.pk]): {"role": "admin", "is_active": "on"},
        reverse("config:user_password", args=[org.hank.pk]): {"new_password1": "Zq9!long-pass", "new_password2":
                                                               "Zq9!long-pass"},
        reverse("config:numbering"): {"format": "{seq}", "reset": "never"},
        reverse("config:limits"): {"repeat_window_days": 1, "approval_threshold": "1", "survey_valid_days": 1},
        reverse("config:monitoring"): {"burst_window_hours": 1, "burst_history_windows": 7, "burst_k": "1",
                                       "burst_min_count": 1, "burst_scan_minutes": 1, "checks_scan_hour": 0,
                                       "duplicate_window_hours": 1, "duplicate_similarity": 10},
        reverse("config:numbering_preview"): {"format": "{seq}", "reset": "never"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_the_configuration_link_shows_only_for_admins(org, as_user):
    assert reverse("config:index") in as_user("ada").get("/").content.decode()
    for username in ("amy", "sam", "mia", "monty"):
        assert reverse("config:index") not in as_user(username).get("/").content.decode()
