"""Delivery tuning: settings.LOOPDESK_<NAME> (tests, deployments) else the environment, read when used."""

from __future__ import annotations

from django.conf import settings

from loopdesk.core import env


def _int(name: str, default: int) -> int:
    value = getattr(settings, f"LOOPDESK_{name}", None)
    return int(value) if value is not None else env.env_int(f"LOOPDESK_{name}", default, minimum=1)


def lease_seconds() -> int:
    """How long a worker owns a claimed message; longer than any single send may take."""
    return _int("OUTBOX_LEASE_SECONDS", 60)


def backoff_base_seconds() -> int:
    return _int("OUTBOX_BACKOFF_BASE_SECONDS", 30)


def backoff_cap_seconds() -> int:
    return _int("OUTBOX_BACKOFF_CAP_SECONDS", 3600)


def max_attempts() -> int:
    return _int("OUTBOX_MAX_ATTEMPTS", 10)


def webhook_timeout_seconds() -> int:
    return _int("WEBHOOK_TIMEOUT_SECONDS", 10)
