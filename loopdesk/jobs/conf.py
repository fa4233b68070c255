"""Background loop tuning: settings.LOOPDESK_<NAME> else the environment, read when used."""

from __future__ import annotations

from django.conf import settings

from loopdesk.core import env


def _float(name: str, default: float) -> float:
    value = getattr(settings, f"LOOPDESK_{name}", None)
    if value is None:
        value = env.env_int(f"LOOPDESK_{name}", int(default), minimum=1)
    return float(value)


def sweep_interval() -> float:
    """Seconds between two monitor sweeps (default 30)."""
    return _float("SWEEP_INTERVAL", 30)


def outbox_poll() -> float:
    """Seconds an idle loop waits before looking at the outbox again (default 2)."""
    return _float("OUTBOX_POLL", 2)


def embedded_jobs() -> bool:
    """Whether `serve` runs the background loop in-process (off when Celery workers do the work)."""
    return env.env_bool("LOOPDESK_EMBEDDED_JOBS", True)
