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
