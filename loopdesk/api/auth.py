"""API authentication: personal bearer tokens (stored hashed) or the web session (with CSRF)."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from loopdesk.accounts.models import ApiToken, Department, User, hash_token
from loopdesk.core import prebuilt

# Writing last_used_at on every request would add a write to every read; once a minute is enough.
_TOUCH_EVERY_SECONDS = 60


class _Lookup:
    """One statement for token, user and department, built once per process.

    Every API request authenticates, and building this three-table query through the ORM cost more
    CPU than the database spends answering it. The token is still checked against the database on
    each request, so revoking it or deactivating its user takes effect at once.
    """

    def __init__(self) -> None:
        qn = prebuilt.qn
        self.user, self.department = prebuilt.Loader(User), prebuilt.Loader(Department)
        # Only model metadata goes into the SQL; the digest is a parameter.
        self.sql = (f"SELECT {prebuilt.columns(User, alias='u')}, {prebuilt.columns(Department, alias='d')}, "  # noqa: S608
                    f"t.{qn('id')}, t.{qn('last_used_at')} "
                    f"FROM {qn(ApiToken._meta.db_table)} t "
                    f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
                    f"LEFT JOIN {qn(Department._meta.db_table)} d ON d.id = u.department_id "
                    "WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active")
        self.last_used = prebuilt.Loader(ApiToken, ["id", "last_used_at"])


def token_user(raw: str) -> User | None:
    """The active user a live token belongs to, with their department loaded; None otherwise."""
    lookup = prebuilt.once("auth.token", _Lookup)
    row = prebuilt.first(lookup.sql, [hash_token(raw)])
    if row is None:
        return None
    nu, nd = len(lookup.user.fields), len(lookup.department.fields)
    user = lookup.user.instance(row[:nu])
    dept = row[nu:nu + nd]
    User.department.field.set_cached_value(user, lookup.department.instance(dept) if dept[0] is not None else None)
    token_id, last_used_at = lookup.last_used.values(row[nu + nd:])
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > _TOUCH_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The web app's session; CSRF is enforced by django-ninja for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), StaffSessionAuth()]
