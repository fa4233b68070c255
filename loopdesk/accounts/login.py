"""Password sign-in with a rate limit per username and per client address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import AuditLog, User
from loopdesk.core.errors import NotAllowed, ValidationFailed


def _keys(username: str, ip: str | None) -> list[str]:
    return [f"login-fail:user:{username.lower()}", f"login-fail:ip:{ip or '-'}"]


def _limit() -> tuple[int, int]:
    return settings.LOOPDESK["LOGIN_MAX_ATTEMPTS"], settings.LOOPDESK["LOGIN_WINDOW_SECONDS"]


def sign_in(request, username: str, password: str) -> User:
    """Authenticate or raise. Too many failures lock the username and the address for a window."""
    ip = request.META.get("REMOTE_ADDR")
    max_attempts, window = _limit()
    keys = _keys(username, ip)
    # Per address the allowance is larger: an office NAT shares one address among many people.
    if cache.get(keys[0], 0) >= max_attempts or cache.get(keys[1], 0) >= max_attempts * 4:
        raise NotAllowed(_("Too many failed sign-in attempts. Try again in %(m)d minutes.") % {"m": window // 60})
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        for key in keys:
            cache.add(key, 0, window)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)
        AuditLog.objects.create(actor=None, action="login_failed", target=username[:100], ip=ip)
        raise ValidationFailed.single("password", _("Wrong username or password."))
    cache.delete(keys[0])
    return user
