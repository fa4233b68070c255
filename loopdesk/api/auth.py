"""API authentication: personal bearer tokens (stored hashed) or the web session (with CSRF)."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from loopdesk.accounts.models import ApiToken, hash_token

# Writing last_used_at on every request would add a write to every read; once a minute is enough.
_TOUCH_EVERY_SECONDS = 60


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (ApiToken.objects.select_related("user", "user__department")
               .filter(digest=hash_token(token), revoked_at__isnull=True).first())
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > _TOUCH_EVERY_SECONDS:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class StaffSessionAuth(SessionAuth):
    """The web app's session; CSRF is enforced by django-ninja for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), StaffSessionAuth()]
