"""Admin-editable product configuration with typed defaults.

Values are read when used (never cached at import), so tests and admins see changes at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Complaint numbers: strftime-style date fields, {channel} and {seq:0Nd}. Serial resets per scope.
    "numbering.format": "{date:%Y%m%d}-{channel}-{seq:04d}",
    "numbering.reset": "daily",  # daily | monthly | yearly | never
    "numbering.per_channel": True,
    # Same customer + same problem type within this many days is a repeat complaint.
    "repeat.window_days": 30,
    # Compensation above this amount (CNY) needs a supervisor's approval.
    "solution.approval_threshold": "500.00",
    "survey.valid_days": 7,
    # Closed complaints are archived this many days after closing; 0: those closed before the start of
    # the previous month (a whole calendar month later). See loopdesk.complaints.archiving.
    "archive.after_days": 0,
    # Archived complaints lose their personal data this many years after closing; 0: never.
    "retention.years": 3,
    # Burst alerts (loopdesk/monitoring/burst.py): count in the last window vs the same-length windows before.
    "burst.window_hours": 24,
    "burst.history_windows": 28,
    "burst.k": 3.0,
    "burst.min_count": 5,
    # How often the burst rule runs (minutes); None: LOOPDESK_BURST_SCAN_SECONDS of the deployment (900 s).
    "burst.scan_minutes": None,
    # Likely duplicates (loopdesk/monitoring/checks.py): same customer + type + similar text within this time.
    "checks.duplicate_window_hours": 72,
    "checks.duplicate_similarity": 0.6,
    # Local hour of the daily data-check scan; None: LOOPDESK_DATA_CHECK_HOUR of the deployment (2).
    "checks.scan_hour": None,
}


def get(key: str) -> Any:
    from loopdesk.core.memo import memo
    from loopdesk.core.models import Setting

    stored = memo("settings", lambda: dict(Setting.objects.values_list("key", "value")))
    if key in stored:
        return stored[key]
    if key not in DEFAULTS:
        raise KeyError(key)
    return DEFAULTS[key]


def put(key: str, value: Any) -> None:
    from loopdesk.core.models import Setting

    if key not in DEFAULTS:
        raise KeyError(key)
    Setting.objects.update_or_create(key=key, defaults={"value": value})


def get_decimal(key: str) -> Decimal:
    return Decimal(str(get(key)))
