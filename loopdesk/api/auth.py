"""API authentication: personal bearer tokens (stored hashed) or the web session (with CSRF)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from loopdesk.accounts.models import ApiToken, Department, User, hash_token

# Writing last_used_at on every request would add a write to every read; once a minute is enough.
_TOUCH_EVERY_SECONDS = 60


class _Lookup:
    """One statement for token, user and department, built once per process.

    Every API request authenticates, and building this three-table query through the ORM cost more
    CPU than the database spends answering it. The token is still checked against the database on
    each request, so revoking it or deactivating its user takes effect at once.
    """

    def __init__(self) -> None:
        qn = connection.ops.quote_name
        token_fields = [ApiToken._meta.pk, ApiToken._meta.get_field("last_used_at")]
        self.parts = [(User, list(User._meta.concrete_fields)), (Department, list(Department._meta.concrete_fields)),
                      (ApiToken, token_fields)]
        alias = {User: "u", Department: "d", ApiToken: "t"}
        select = ", ".join(f"{alias[m]}.{qn(f.column)}" for m, fields in self.parts for f in fields)
        self.sql = (f"SELECT {select} FROM {qn(ApiToken._meta.db_table)} t "  # noqa: S608 - names from model meta
                    f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
                    f"LEFT JOIN {qn(Department._meta.db_table)} d ON d.id = u.department_id "
                    "WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active")
        # The conversions the ORM would apply (SQLite returns times as text, for one).
        self.converters = []
        for model, fields in self.parts:
            for f in fields:
                col = f.get_col(model._meta.db_table)
                self.converters.append((col, connection.ops.get_db_converters(col) + f.get_db_converters(connection)))

    def row(self, digest: str) -> list | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [digest])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, (col, convs) in enumerate(self.converters):
            for conv in convs:
                values[i] = conv(values[i], col, connection)
        return values


_lookups: dict[str, _Lookup] = {}


def token_user(raw: str) -> User | None:
    """The active user a live token belongs to, with their department loaded; None otherwise."""
    lookup = _lookups.get(connection.vendor) or _lookups.setdefault(connection.vendor, _Lookup())
    values = lookup.row(hash_token(raw))
    if values is None:
        return None
    (_m, user_fields), (_d, dept_fields), _t = lookup.parts
    nu, nd = len(user_fields), len(dept_fields)
    user = User.from_db(connection.alias, [f.attname for f in user_fields], values[:nu])
    dept = values[nu:nu + nd]
    User.department.field.set_cached_value(
        user, Department.from_db(connection.alias, [f.attname for f in dept_fields], dept)
        if dept[0] is not None else None)
    token_id, last_used_at = values[nu + nd:]
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
