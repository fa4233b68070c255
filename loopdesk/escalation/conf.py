"""Sweep tuning: settings.LOOPDESK_<NAME> (tests, deployments) else the environment, read when used."""

from __future__ import annotations

from django.conf import settings

from loopdesk.core import env


def _int(name: str, default: int) -> int:
    value = getattr(settings, f"LOOPDESK_{name}", None)
    return int(value) if value is not None else env.env_int(f"LOOPDESK_{name}", default, minimum=1)


def sweep_batch() -> int:
    """Complaints handled per transaction."""
    return _int("SWEEP_BATCH", 500)


def poison_delay_seconds() -> int:
    """How far a row that made the sweep fail is pushed back before it is tried again."""
    return _int("SWEEP_POISON_DELAY_SECONDS", 300)
