"""Routing rules (SPEC §4): type, channel, region and customer level pick a department, a role or a
named person; within a team the least-loaded or the next in turn gets the complaint."""

from __future__ import annotations

import pytest

from loopdesk.accounts.models import Department, Role, User
from loopdesk.classification.models import ProblemType
from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint, Event, EventKind, Status
from loopdesk.routing.engine import route
from loopdesk.routing.models import RoutingRule, Strategy


def pt(code: str) -> ProblemType:
    return ProblemType.objects.get(code=code)


def routed(problem_type: str | None = "delivery_delay", channel="TEL", region="上海", customer_level="normal"):
    return route(problem_type=pt(problem_type) if problem_type else None, channel=channel, region=region,
                 customer_level=customer_level)


def handler(username: str, dept: Department, role: str = Role.HANDLER) -> User:
    return User.objects.create_user(username=username, password="pw-" + username + "-123", role=role,
                                    department=dept)


def test_a_root_type_rule_also_routes_its_sub_types(org):
    r = routed("delivery_delay")
    assert (r.rule.name, r.department, r.owner) == ("物流 → 物流协调部", org.depts["logistics"], org.hank)
    r = routed("feature_fault")
    assert (r.department, r.owner) == (org.depts["tech"], org.holly)


def test_a_sub_type_rule_does_not_catch_its_root_or_siblings(org):
    RoutingRule.objects.create(order=1, name="丢件 → 财务部", problem_type=pt("lost_damaged"),
                               department=org.depts["finance"])
    assert routed("lost_damaged").department == org.depts["finance"]
    assert routed("delivery_delay").department == org.depts["logistics"]
    assert routed("logistics").department == org.depts["logistics"]


def test_anything_unmatched_falls_to_the_catch_all_rule(org):
    r = routed("rude")
    assert (r.department, r.owner) == (org.depts["cs"], org.amy)
    r = routed(None)
    assert r.department == org.depts["cs"]


def test_without_any_matching_rule_nobody_is_chosen(org):
    RoutingRule.objects.all().delete()
    r = routed("delivery_delay")
    assert (r.rule, r.department, r.owner) == (None, None, None)


@pytest.mark.parametrize(("condition", "hit", "miss"), [
    pytest.param("channel", {"channel": "MAIL"}, {"channel": "TEL"}, id="channel"),
    pytest.param("region", {"region": "北京"}, {"region": "上海"}, id="region"),
    pytest.param("customer_level", {"customer_level": "vip"}, {"customer_level": "normal"}, id="customer-level"),
])
def test_channel_region_and_customer_level_conditions_narrow_a_rule(condition, hit, miss, org):
    fiona = handler("fiona", org.depts["finance"])
    RoutingRule.objects.create(order=5, name="特殊 → 财务部", problem_type=pt("logistics"),
                               department=org.depts["finance"], **{condition: hit[condition]})
    r = routed("delivery_delay", **hit)
    assert (r.department, r.owner) == (org.depts["finance"], fiona)
    assert routed("delivery_delay", **miss).department == org.depts["logistics"]


def test_a_rule_with_a_named_person_routes_to_that_person_and_their_department(org):
    RoutingRule.objects.create(order=1, name="跨部门 → 山姆", problem_type=pt("billing"),
                               department=org.depts["finance"], user=org.sam)
    r = routed("wrong_charge")
    assert (r.owner, r.department) == (org.sam, org.depts["logistics"])


def test_an_inactive_named_person_is_skipped_for_the_team(org):
    fiona = handler("fiona", org.depts["finance"])
    RoutingRule.objects.create(order=1, name="跨部门 → 山姆", problem_type=pt("billing"),
                               department=org.depts["finance"], user=org.sam)
    org.sam.is_active = False
    org.sam.save()
    r = routed("wrong_charge")
    assert (r.owner, r.department) == (fiona, org.depts["finance"])


def test_an_inactive_rule_is_ignored(org):
    rule = RoutingRule.objects.get(name="物流 → 物流协调部")
    rule.active = False
    rule.save()
    assert routed("delivery_delay").department == org.depts["cs"]


def test_least_loaded_picks_the_handler_with_fewest_open_complaints(org, register):
    hugo = handler("hugo", org.depts["logistics"])
    first = register(customer={"phone": "13900000001"})
    assert first.owner == org.hank  # both at 0 open: the earlier account wins the tie
    second = register(customer={"phone": "13900000002"})
    assert second.owner == hugo
    third = register(customer={"phone": "13900000003"})
    assert third.owner == org.hank


def test_closed_and_cancelled_complaints_do_not_count_as_load(org, register):
    hugo = handler("hugo", org.depts["logistics"])
    for i, status in enumerate([Status.CLOSED, Status.CLOSED, Status.ARCHIVED, Status.CANCELLED, Status.RESOLVED]):
        c = register(customer={"phone": f"1390000000{i}"})
        Complaint.objects.filter(pk=c.pk).update(owner=org.hank, status=status)
    c = register(customer={"phone": "13900000009"})
    Complaint.objects.filter(pk=c.pk).update(owner=hugo, status=Status.IN_PROGRESS)
    assert routed("delivery_delay").owner == org.hank


def test_only_the_rules_role_is_a_candidate(org, register):
    # sam (supervisor) sits in logistics too but the rule asks for handlers.
    owners = {register(customer={"phone": f"1390000000{i}"}).owner for i in range(3)}
    assert owners == {org.hank}


def test_round_robin_rotates_through_the_team(org):
    dept = org.depts["finance"]
    team = [handler(name, dept) for name in ("fay", "fred", "fiona")]
    RoutingRule.objects.create(order=1, name="账单 → 财务部轮流", problem_type=pt("billing"), department=dept,
                               strategy=Strategy.ROUND_ROBIN)
    picks = [routed("wrong_charge").owner for _ in range(7)]
    assert picks == [*team, *team, team[0]]


def test_round_robin_skips_someone_who_left(org):
    dept = org.depts["finance"]
    fay, fred, fiona = (handler(name, dept) for name in ("fay", "fred", "fiona"))
    RoutingRule.objects.create(order=1, name="账单 → 财务部轮流", problem_type=pt("billing"), department=dept,
                               strategy=Strategy.ROUND_ROBIN)
    assert routed("wrong_charge").owner == fay
    fred.is_active = False
    fred.save()
    assert [routed("wrong_charge").owner for _ in range(3)] == [fiona, fay, fiona]


def test_reclassifying_to_another_type_reroutes_the_complaint(org, register):
    c = register()
    assert (c.department, c.owner) == (org.depts["logistics"], org.hank)

    actions.reclassify(c.number, actor=org.hank, changes={"problem_type": "feature_fault"}, note="实为产品故障")

    c.refresh_from_db()
    assert (c.problem_type.code, c.department, c.owner) == ("feature_fault", org.depts["tech"], org.holly)
    e = Event.objects.filter(complaint=c, kind=EventKind.ASSIGNMENT, action="route").last()
    assert e.before == {"owner": "hank", "department": "logistics"}
    assert e.after == {"owner": "holly", "department": "tech"}


def test_reclassifying_within_the_same_department_keeps_the_owner(org, register):
    hugo = handler("hugo", org.depts["logistics"])
    c = register()
    actions.assign(c.number, actor=org.sam, owner_id=hugo.pk)
    actions.reclassify(c.number, actor=org.sam, changes={"problem_type": "lost_damaged"})
    c.refresh_from_db()
    assert (c.department, c.owner) == (org.depts["logistics"], hugo)
