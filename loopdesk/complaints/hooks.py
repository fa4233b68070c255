"""In-transaction reactions to complaint changes (deadlines, notifications).

Domain actions call `changed()` after writing; subscribers run inside the same transaction,
so whatever they write (deadline rows, outbox rows) commits or rolls back with the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Subscriber = Callable[..., None]
_subscribers: list[Subscriber] = []


def on_change(fn: Subscriber) -> Subscriber:
    """Register fn(complaint, action, actor, **details). Idempotent per function."""
    if fn not in _subscribers:
        _subscribers.append(fn)
    return fn


def changed(complaint: Any, action: str, actor: Any, **details: Any) -> None:
    for fn in list(_subscribers):
        fn(complaint, action, actor, **details)
