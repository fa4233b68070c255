"""Default SLA policies (SPEC §3, seed 001), installed by a data migration and used as the fallback
when no active policy matches a complaint. Plain data, so the migration never depends on model code."""

from __future__ import annotations

from decimal import Decimal

H, WH, WD = "clock_hours", "working_hours", "working_days"

# priority → {target: (amount, unit)}
DEFAULT_TARGETS: dict[str, dict[str, tuple[Decimal, str]]] = {
    "A": {"first_response": (Decimal(1), H), "resolution": (Decimal(4), WH)},
    "B": {"first_response": (Decimal(4), H), "resolution": (Decimal(24), H)},
    "C": {"first_response": (Decimal(24), H), "resolution": (Decimal(3), WD)},
}
COMMON: dict[str, tuple[Decimal, str]] = {
    "acceptance": (Decimal(1), H),
    "progress": (Decimal(24), H),
    "callback": (Decimal(24), H),
}
NAMES = {"A": "A · 紧急 (default)", "B": "B · 高 (default)", "C": "C · 普通 (default)"}


def targets_for(priority: str) -> dict[str, tuple[Decimal, str]]:
    return {**COMMON, **DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["C"])}


def policy_fields(priority: str) -> dict:
    fields: dict = {"name": NAMES.get(priority, priority), "priority": priority}
    for target, (amount, unit) in targets_for(priority).items():
        fields[target], fields[f"{target}_unit"] = amount, unit
    return fields


def install(apps) -> None:
    SlaPolicy = apps.get_model("deadlines", "SlaPolicy")
    for priority in DEFAULT_TARGETS:
        if not SlaPolicy.objects.filter(priority=priority, problem_type=None, customer_level="").exists():
            SlaPolicy.objects.create(**policy_fields(priority))
