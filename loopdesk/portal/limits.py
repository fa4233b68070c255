"""Rate limits for the public portal, counted in the shared cache like sign-in failures.

Limits are read from settings.LOOPDESK when used (tests and deployments can change them) with
defaults that let a real customer through and stop a script.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    setting: str  # key in settings.LOOPDESK
    default: int
    window: int  # seconds

    @property
    def allowed(self) -> int:
        return int(getattr(settings, "LOOPDESK", {}).get(self.setting, self.default))


HOUR = 3600
# Complaint submissions (every POST) per client address.
SUBMIT_PER_IP = Limit("PORTAL_SUBMIT_PER_IP", 20, HOUR)
# Tracking look-ups per client address, and failed look-ups per complaint number.
TRACK_PER_IP = Limit("PORTAL_TRACK_PER_IP", 30, HOUR)
TRACK_FAILS_PER_NUMBER = Limit("PORTAL_TRACK_FAILS_PER_NUMBER", 5, HOUR)
# Survey answers per client address.
SURVEY_PER_IP = Limit("PORTAL_SURVEY_PER_IP", 20, HOUR)


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "-"


def _key(limit: Limit, subject: str) -> str:
    return f"portal:{limit.setting}:{subject}"


def used(limit: Limit, subject: str) -> int:
    return int(cache.get(_key(limit, subject), 0))


def exhausted(limit: Limit, subject: str) -> bool:
    return used(limit, subject) >= limit.allowed


def count(limit: Limit, subject: str) -> int:
    key = _key(limit, subject)
    cache.add(key, 0, limit.window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, limit.window)
        return 1


def take(limit: Limit, subject: str) -> bool:
    """Count one use; False when the allowance was already used up (the use is then not counted)."""
    if exhausted(limit, subject):
        return False
    count(limit, subject)
    return True
