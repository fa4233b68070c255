"""Routing rules: conditions, target, strategy; the engine uses a saved rule at once."""

from __future__ import annotations

from loopdesk.accounts.models import AuditLog, Role
from loopdesk.classification.models import ProblemType
from loopdesk.routing.engine import route
from loopdesk.routing.models import RoutingRule
from tests.config.conftest import snapshot


def form(org, **over) -> dict:
    data = {"order": 5, "name": "VIP 账单 → 财务部", "active": "on",
            "problem_type": ProblemType.objects.get(code="billing").pk, "channel": "", "region": "",
            "customer_level": "vip", "department": org.depts["finance"].pk, "role": Role.HANDLER, "user": "",
            "strategy": "round_robin"}
    data.update(over)
    return data


def test_the_list_explains_first_match_and_shows_every_rule(org, admin):
    page = admin.get("/config/routing/").content.decode()
    assert "the first rule whose conditions all match decides" in page
    assert "物流 → 物流协调部" in page and "其他 → 客服中心" in page


def test_an_admin_adds_a_rule_and_routing_follows_it(org, admin):
    r = admin.post("/config/routing/new/", form(org, user=org.holly.pk))
    assert r.status_code == 302
    rule = RoutingRule.objects.get(name="VIP 账单 → 财务部")
    assert (rule.customer_level, rule.strategy, rule.user) == ("vip", "round_robin", org.holly)
    result = route(problem_type=ProblemType.objects.get(code="billing"), channel="TEL", region="",
                   customer_level="vip")
    assert result.rule == rule and result.owner == org.holly
    assert AuditLog.objects.filter(action="config.routing_rule.create", actor=org.ada).exists()


def test_missing_target_and_bad_values_are_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/routing/new/", form(org, department="", order="x", channel="FAX", strategy="random"))
    assert r.status_code == 400
    page = r.content.decode()
    for field in ("department", "order", "channel", "strategy"):
        assert f'id="id_{field}_error"' in page, field
    assert snapshot() == before


def test_a_deactivated_person_cannot_be_named(org, admin):
    org.holly.is_active = False
    org.holly.save(update_fields=["is_active"])
    r = admin.post("/config/routing/new/", form(org, user=org.holly.pk))
    assert r.status_code == 400 and 'id="id_user_error"' in r.content.decode()


def test_a_rule_that_reaches_nobody_is_flagged(org, admin):
    admin.post("/config/routing/new/", form(org))  # finance has no handler
    assert "Nobody active to receive these complaints." in admin.get("/config/routing/").content.decode()


def test_an_admin_deletes_a_rule(org, admin):
    rule = RoutingRule.objects.get(order=99)
    assert admin.post(f"/config/routing/{rule.pk}/delete/").status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    log = AuditLog.objects.get(action="config.routing_rule.delete")
    assert log.detail["before"]["name"] == "其他 → 客服中心"
