"""Per-process memo for small, rarely-changed configuration tables (rules, taxonomy, settings).

Intake reads the priority matrix, keyword rules, routing rules and settings on every complaint;
reading them from the database each time would cost more than the intake itself. Entries expire
after a few seconds so every process sees an admin's change soon, and saving or deleting a row of
a watched model clears the memo in the process that made the change at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TTL_SECONDS = 10.0
_lock = threading.Lock()
_entries: dict[str, tuple[float, Any]] = {}


def memo(key: str, loader: Callable[[], T], ttl: float = TTL_SECONDS) -> T:
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = loader()
    with _lock:
        _entries[key] = (now, value)
    return value


def clear(*_args: Any, **_kwargs: Any) -> None:
    with _lock:
        _entries.clear()


def watch(*models: type) -> None:
    for model in models:
        post_save.connect(clear, sender=model, dispatch_uid=f"memo-save-{model._meta.label}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"memo-delete-{model._meta.label}")
