"""Monitor thresholds: settings.LOOPDESK_<NAME> (tests, deployments) else the environment, read when used."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from loopdesk.core import env


def unassigned_alert_minutes() -> int:
    """How long a complaint may stay without an owner before the monitors are alerted."""
    return int(getattr(settings, "LOOPDESK_UNASSIGNED_ALERT_MINUTES", None)
               or env.env_int("LOOPDESK_UNASSIGNED_ALERT_MINUTES", 30, minimum=1))


def review_minutes(level: int) -> int:
    """How soon an escalation must be reviewed at its new level (SPEC §6: supervisor within 1 h,
    special team at L2 and above within 4 h)."""
    name, default = ("REVIEW_MINUTES_L1", 60) if level <= 1 else ("REVIEW_MINUTES_L2", 240)
    return int(getattr(settings, f"LOOPDESK_{name}", None) or env.env_int(f"LOOPDESK_{name}", default, minimum=1))


def large_compensation() -> Decimal:
    """Compensation (CNY) from which a complaint goes straight to L2 (SPEC §6)."""
    value = getattr(settings, "LOOPDESK_LARGE_COMPENSATION", None) or env.env_str("LOOPDESK_LARGE_COMPENSATION",
                                                                                    "5000")
    return Decimal(str(value))
