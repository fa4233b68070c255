"""SLA policies: targets per priority in clock hours, working hours or working days."""

from __future__ import annotations

from loopdesk.accounts.models import AuditLog
from loopdesk.deadlines.models import SlaPolicy
from tests.config.conftest import snapshot


def form(**over) -> dict:
    data = {"name": "VIP A", "priority": "A", "problem_type": "", "customer_level": "vip", "active": "on",
            "reminder_share": "0.75"}
    for target in ("acceptance", "first_response", "progress", "resolution", "callback"):
        data[target], data[f"{target}_unit"] = "", "clock_hours"
    data.update(first_response="0.5", resolution="2", resolution_unit="working_hours")
    data.update(over)
    return data


def test_the_list_shows_each_policy_with_its_targets(org, admin):
    SlaPolicy.objects.create(name="C 普通 VIP", priority="C", customer_level="vip", resolution=3,
                             resolution_unit="working_days")
    page = admin.get("/config/sla/").content.decode()
    assert "C 普通 VIP" in page and "3 working days" in page


def test_an_admin_adds_a_policy(org, admin):
    r = admin.post("/config/sla/new/", form())
    assert r.status_code == 302
    p = SlaPolicy.objects.get(name="VIP A")
    assert p.target("resolution") == (2, "working_hours") and p.target("acceptance") is None
    assert AuditLog.objects.filter(action="config.sla_policy.create").exists()


def test_impossible_durations_are_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/sla/new/", form(resolution="-4", callback="1.5", callback_unit="working_days",
                                            reminder_share="2"))
    assert r.status_code == 400
    page = r.content.decode()
    assert "The duration must be positive." in page and "Give working days as a whole number." in page
    assert "Give a share between 0 and 1" in page
    assert snapshot() == before


def test_two_policies_for_the_same_case_are_refused(org, admin):
    admin.post("/config/sla/new/", form())
    before = snapshot()
    r = admin.post("/config/sla/new/", form(name="VIP A again"))
    assert r.status_code == 400
    assert snapshot() == before
