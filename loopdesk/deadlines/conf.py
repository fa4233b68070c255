"""Monitor thresholds: settings.LOOPDESK_<NAME> (tests, deployments) else the environment, read when used."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from loopdesk.core import env


def unassigned_alert_minutes() -> int:
    """How long a complaint may stay without an owner before the monitors are alerted."""
    return int(getattr(settings, "LOOPDESK_UNASSIGNED_ALERT_MINUTES", None)
               or env.env_int("LOOPDESK_UNASSIGNED_ALERT_MINUTES", 30, minimum=1))


def large_compensation() -> Decimal:
    """Compensation (CNY) from which a complaint goes straight to L2 (SPEC §6)."""
    value = getattr(settings, "LOOPDESK_LARGE_COMPENSATION", None) or env.env_str("LOOPDESK_LARGE_COMPENSATION",
                                                                                    "5000")
    return Decimal(str(value))
