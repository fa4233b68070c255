"""Routing: pick department and owner for a complaint (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass

from loopdesk.accounts.models import Department, User
from loopdesk.core import prebuilt
from loopdesk.core.memo import memo
from loopdesk.routing.models import OwnerLoad, RoutingRule, Strategy


@dataclass
class RoutingResult:
    rule: RoutingRule | None
    department: Department | None
    owner: User | None


def _matches(rule: RoutingRule, *, problem_type, channel: str, region: str, customer_level: str) -> bool:
    if rule.problem_type_id and (
        problem_type is None or rule.problem_type_id not in (problem_type.pk, problem_type.parent_id)
    ):
        return False
    if rule.channel and rule.channel != channel:
        return False
    if rule.region and rule.region != region:
        return False
    return not (rule.customer_level and rule.customer_level != customer_level)


def _pick(rule: RoutingRule) -> User | None:
    if rule.strategy == Strategy.ROUND_ROBIN:
        # Lock the department row so two intakes never hand out the same turn.
        dept = Department.objects.select_for_update().get(pk=rule.department_id)
        ids = list(User.objects.filter(department_id=rule.department_id, role=rule.role, is_active=True)
                   .order_by("id").values_list("id", flat=True))
        if not ids:
            return None
        after = [i for i in ids if dept.last_assigned_id is None or i > dept.last_assigned_id]
        chosen = (after or ids)[0]
        Department.objects.filter(pk=dept.pk).update(last_assigned_id=chosen)
        return User.objects.get(pk=chosen)
    # The candidate with the fewest open complaints, ties to the lowest id. The counts are kept by
    # triggers (OwnerLoad), so this reads one row per candidate whatever their backlog; the statement
    # is written once (loopdesk/core/prebuilt.py), as intake runs it for every complaint.
    loader, sql = prebuilt.once("routing.least_loaded", _least_loaded)
    row = prebuilt.first(sql, [rule.department_id, rule.role])
    return loader.instance(row) if row else None


def _least_loaded() -> tuple[prebuilt.Loader, str]:
    qn = prebuilt.qn
    return prebuilt.Loader(User), (
        f"SELECT {prebuilt.columns(User, alias='u')} FROM {qn(User._meta.db_table)} u "  # noqa: S608 - model meta
        f"LEFT JOIN {qn(OwnerLoad._meta.db_table)} n ON n.user_id = u.id "
        "WHERE u.department_id = %s AND u.role = %s AND u.is_active "
        "ORDER BY COALESCE(n.open_count, 0), u.id LIMIT 1")


def route(*, problem_type, channel: str, region: str, customer_level: str) -> RoutingResult:
    rules = memo("routing_rules",
                 lambda: list(RoutingRule.objects.filter(active=True).select_related("user", "department")))
    for rule in rules:
        if _matches(rule, problem_type=problem_type, channel=channel, region=region, customer_level=customer_level):
            if rule.user_id and rule.user.is_active:
                return RoutingResult(rule, rule.user.department or rule.department, rule.user)
            return RoutingResult(rule, rule.department, _pick(rule))
    return RoutingResult(None, None, None)
