"""Complaint numbers: configurable format, unique, never reused, safe under concurrent intake.

A number is `format.format(date=<registration time, local>, channel=<code>, seq=<serial>)`. The
serial comes from a counter row per scope (period, and channel when numbering per channel), taken
with one UPDATE … RETURNING, which row-locks the counter on PostgreSQL and is serialised by SQLite's
write lock. Gaps are tolerated (a failed intake after allocation leaves one), reuse never happens.
"""

from __future__ import annotations

import re
import string
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.core import config, prebuilt
from loopdesk.core.errors import ValidationFailed

RESETS = ("daily", "monthly", "yearly", "never")
MAX_LENGTH = 40  # Complaint.number
_PERIOD_KEY = {"daily": "%Y%m%d", "monthly": "%Y%m", "yearly": "%Y", "never": "all"}
# Date directives that make a number unique within each reset period.
_NEEDS = {"daily": ({"d", "j"}, {"m", "j"}), "monthly": ({"m", "b", "B"},), "yearly": (), "never": ()}


def validate_format(fmt: str, reset: str, per_channel: bool) -> None:
    errors: dict[str, list] = {}
    try:
        fields = [(name, spec) for _lit, name, spec, _conv in string.Formatter().parse(fmt) if name is not None]
    except ValueError:
        raise ValidationFailed.single("format", _("The format is not valid.")) from None
    names = {name for name, _spec in fields}
    if "seq" not in names:
        errors.setdefault("format", []).append(_("The format must contain {seq}."))
    if names - {"seq", "date", "channel"}:
        errors.setdefault("format", []).append(_("Only {date}, {channel} and {seq} may be used."))
    if reset not in RESETS:
        errors.setdefault("reset", []).append(_("Choose daily, monthly, yearly or never."))
    if per_channel and "channel" not in names:
        errors.setdefault("format", []).append(_("Per-channel numbering needs {channel} in the format."))
    date_specs = "".join(spec for name, spec in fields if name == "date")
    directives = set(re.findall(r"%([a-zA-Z])", date_specs))
    if reset in ("daily", "monthly", "yearly") and not directives & {"Y", "y"}:
        errors.setdefault("format", []).append(_("The date must include the year for this reset period."))
    for group in _NEEDS.get(reset, ()):
        if not directives & group:
            errors.setdefault("format", []).append(_("The date is not precise enough for this reset period."))
            break
    if not errors:
        try:
            sample = fmt.format(date=timezone.localtime(), channel="PLAT", seq=1)
        except (ValueError, KeyError, IndexError):
            errors["format"] = [_("The format is not valid.")]
        else:
            if len(sample) > MAX_LENGTH:
                errors["format"] = [_("A number may be at most %(n)d characters long.") % {"n": MAX_LENGTH}]
    if errors:
        raise ValidationFailed(errors)


def _next_serial(scope: str) -> int:
    table = "complaints_numbersequence"
    upsert = (f" ON CONFLICT (scope) DO UPDATE SET last_value = {table}.last_value + 1"
              " RETURNING last_value")
    with connection.cursor() as cursor:
        if not connection.in_atomic_block and connection.vendor == "postgresql":
            # Its own transaction in one round trip (autocommit), without waiting for fsync: WAL is
            # flushed in order, so any complaint that commits durably with this serial also makes the
            # counter durable, and a lost counter was never used. set_config(…, true) lasts until the
            # statement's own commit, which is where PostgreSQL reads it.
            cursor.execute(f"INSERT INTO {table} (scope, last_value) SELECT %s, 1 FROM "  # noqa: S608
                           "(SELECT set_config('synchronous_commit', 'off', true)) AS durability" + upsert, [scope])
            return cursor.fetchone()[0]
        with transaction.atomic():
            cursor.execute(f"INSERT INTO {table} (scope, last_value) VALUES (%s, 1)" + upsert, [scope])  # noqa: S608
            return cursor.fetchone()[0]


def next_number(channel: str, at: datetime | None = None, *, skip_taken: bool = False) -> str:
    """The next number of the channel's scope. A reconfigured format/reset/per-channel starts a new
    scope whose serials may render numbers given under the old one, and imported complaints may hold
    any number: the unique index refuses those, and intake asks again with `skip_taken`, which steps
    past every number already in use (one lookup each). Never reused either way."""
    fmt = config.get("numbering.format")
    reset = config.get("numbering.reset")
    per_channel = bool(config.get("numbering.per_channel"))
    local = timezone.localtime(at or timezone.now())
    period = local.strftime(_PERIOD_KEY[reset]) if reset != "never" else "all"
    scope = f"{fmt}|{period}|{channel if per_channel else '*'}"
    while True:
        number = fmt.format(date=local, channel=channel, seq=_next_serial(scope))
        if not skip_taken or not taken(number):
            return number


def taken(number: str) -> bool:
    """Whether a complaint holds this number."""
    from loopdesk.complaints.models import Complaint

    sql = prebuilt.once("numbering.taken", lambda: (
        f"SELECT 1 FROM {prebuilt.qn(Complaint._meta.db_table)} WHERE {prebuilt.qn('number')} = %s"))  # noqa: S608
    return prebuilt.first(sql, [number]) is not None
