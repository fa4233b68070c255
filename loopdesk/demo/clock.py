"""A movable clock for backdated demo timelines, without a test-only dependency.

Model field defaults (``default=timezone.now``) hold a reference to the function itself, so
patching ``django.utils.timezone.now`` would miss them. The function reads the module global
``datetime`` on every call, so replacing that one name moves every "now" Django computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from unittest import mock


class DemoClock:
    def __init__(self) -> None:
        self.current: datetime | None = None

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("the demo clock needs an aware datetime")
        self.current = at

    @contextmanager
    def installed(self) -> Iterator[DemoClock]:
        clock = self

        class _Datetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:
                if clock.current is None:
                    return datetime.now(tz)
                if tz is None:
                    return clock.current.astimezone().replace(tzinfo=None)
                return clock.current.astimezone(tz)

        with mock.patch("django.utils.timezone.datetime", _Datetime):
            yield self
