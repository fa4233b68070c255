"""SLA policy configuration: the migrated defaults and refusal of bad values with field-level errors."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from loopdesk.core.errors import ValidationFailed
from loopdesk.deadlines.models import SlaPolicy, WorkingPeriod
from loopdesk.deadlines.sla import save_policy

pytestmark = pytest.mark.django_db


def test_migrate_installs_the_default_policy_of_spec_section_3():
    rows = {p.priority: p for p in SlaPolicy.objects.filter(problem_type=None, customer_level="")}
    assert set(rows) == {"A", "B", "C"}
    assert (rows["A"].first_response, rows["A"].first_response_unit) == (Decimal(1), "clock_hours")
    assert (rows["A"].resolution, rows["A"].resolution_unit) == (Decimal(4), "working_hours")
    assert (rows["B"].first_response, rows["B"].resolution) == (Decimal(4), Decimal(24))
    assert (rows["C"].resolution, rows["C"].resolution_unit) == (Decimal(3), "working_days")
    for p in rows.values():
        assert (p.acceptance, p.progress, p.callback) == (Decimal(1), Decimal(24), Decimal(24))
        assert p.reminder_share == Decimal("0.80")


def _errors(policy: SlaPolicy) -> dict:
    before = SlaPolicy.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        save_policy(policy)
    assert SlaPolicy.objects.count() == before
    return {k: [str(m) for m in v] for k, v in exc.value.errors.items()}


def test_a_negative_duration_is_refused_on_its_field():
    errors = _errors(SlaPolicy(name="bad", priority="B", problem_type=None, customer_level="vip",
                               resolution=Decimal(-2)))
    assert errors == {"resolution": ["The duration must be positive."]}


def test_an_unknown_priority_is_refused_on_its_field():
    errors = _errors(SlaPolicy(name="bad", priority="D", first_response=Decimal(1)))
    assert list(errors) == ["priority"]
    assert "D" in errors["priority"][0]


def test_fractional_working_days_and_an_unknown_unit_are_refused():
    errors = _errors(SlaPolicy(name="bad", priority="C", customer_level="vip", resolution=Decimal("1.5"),
                               resolution_unit="working_days", callback=Decimal(1), callback_unit="fortnights"))
    assert errors["resolution"] == ["Give working days as a whole number."]
    assert "callback_unit" in errors


def test_a_reminder_share_outside_zero_and_one_is_refused():
    errors = _errors(SlaPolicy(name="bad", priority="C", customer_level="vip", reminder_share=Decimal("1.5")))
    assert errors == {"reminder_share": ["Give a share between 0 and 1, e.g. 0.80."]}


def test_a_second_policy_for_the_same_scope_is_refused():
    errors = _errors(SlaPolicy(name="dup", priority="A", first_response=Decimal(2)))
    assert errors  # same priority, any type, any level as the migrated A policy


def test_a_valid_policy_is_saved():
    saved = save_policy(SlaPolicy(name="VIP C", priority="C", customer_level="vip", first_response=Decimal(2)))
    assert saved.pk is not None


def test_overlapping_working_hours_are_refused_on_the_start_field():
    with pytest.raises(ValidationError) as exc:
        WorkingPeriod(weekday=0, start=time(11), end=time(14)).full_clean()
    assert list(exc.value.message_dict) == ["start"]
