"""Priority A/B/C from the admin-editable matrix (SPEC §2)."""

from __future__ import annotations

from loopdesk.classification.models import Priority, PriorityRule
from loopdesk.core.memo import memo

_CONDITIONS = ("severity", "scope", "risk", "customer_level")


def compute_priority(*, severity: str, scope: str, risk: str, customer_level: str) -> str:
    facts = {"severity": severity, "scope": scope, "risk": risk, "customer_level": customer_level}
    for rule in memo("priority_rules", lambda: list(PriorityRule.objects.all())):
        if all(not getattr(rule, c) or getattr(rule, c) == facts[c] for c in _CONDITIONS):
            return rule.priority
    return Priority.C
