"""Scan timing. An administrator sets it on the configuration page (/config/monitoring/, product
settings "burst.scan_minutes" and "checks.scan_hour"); until then settings.LOOPDESK_<NAME> (tests,
deployments) or the environment decides, read when used.

The statistical rule itself (window, history, k, minimum) is product configuration in core/config.py.
"""

from __future__ import annotations

from django.conf import settings

from loopdesk.core import config, env


def _int(name: str, default: int, minimum: int) -> int:
    value = getattr(settings, f"LOOPDESK_{name}", None)
    return int(value) if value is not None else env.env_int(f"LOOPDESK_{name}", default, minimum=minimum)


def burst_scan_seconds() -> int:
    """Seconds between two burst scans (default 900)."""
    minutes = config.get("burst.scan_minutes")
    if minutes is not None:
        return max(1, int(minutes)) * 60
    return _int("BURST_SCAN_SECONDS", 900, 1)


def data_check_hour() -> int:
    """Local hour of day at which the daily data-check scan runs (default 2, i.e. 02:00)."""
    hour = config.get("checks.scan_hour")
    if hour is not None:
        return min(max(0, int(hour)), 23)
    return min(_int("DATA_CHECK_HOUR", 2, 0), 23)
