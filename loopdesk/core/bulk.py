"""Writing many rows of one table with one statement: the monitor sweep's batches.

On PostgreSQL the rows travel as one JSON array parameter that `jsonb_to_recordset` turns back
into typed rows, so a thousand rows cost one statement to parse, plan and execute instead of a
thousand, and the Python side is one orjson.dumps in C instead of preparing and quoting every value
(arrays of values, as Django's bulk_create sends them, cost the sweep ~0.1 s of quoting alone).
Elsewhere (SQLite, in-process) a prepared statement per row is as cheap, and executemany is used.
The statement text is worked out once per shape of write.

Only model metadata goes into the SQL; every value is a parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import orjson
from django.db import connection
from django.db.models import DateField, Field, Model

from loopdesk.core import prebuilt

_SQLITE_ROWS = 200  # rows per INSERT … RETURNING on SQLite: well under its 32,766 parameters


def _fields(model: type[Model], names: Sequence[str]) -> list:
    return _fields_of(model, tuple(names))


@functools.cache
def _fields_of(model: type[Model], names: tuple[str, ...]) -> list:
    return prebuilt.fields(model, names)


def _prepped(fields: list, rows: Sequence[Sequence]) -> list[list]:
    return [[f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)] for row in rows]


def _plain(value):
    # Full precision: DjangoJSONEncoder would cut microseconds, and deadlines compare instants.
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} in a bulk write")


@functools.cache
def _column_types(fields: tuple) -> str:
    # Field objects live as long as the process and their types never change: work this out once.
    return ", ".join(f"c{i} {(f.target_field if f.is_relation else f).db_type(connection)}"
                     for i, f in enumerate(fields))


def _recordset(fields: list, rows: Sequence[Sequence]) -> tuple[str, list[str]]:
    """(FROM clause with one %s, [the JSON of the rows]) for PostgreSQL; columns are c0, c1, …"""
    columns = _column_types(tuple(fields))
    # orjson writes times as isoformat() does (microseconds and offset kept).
    payload = orjson.dumps([{f"c{i}": v for i, v in enumerate(row)} for row in rows], default=_plain,
                           option=orjson.OPT_NON_STR_KEYS).decode()
    return f"jsonb_to_recordset(%s::jsonb) AS v({columns})", [payload]


_PLAIN, _RELATION, _PRE_SAVE = range(3)


@functools.cache
def _readers(model: type[Model], names: tuple[str, ...]) -> tuple[tuple[int, str, Field], ...]:
    """How values() reads each column: most fields' pre_save() is a plain attribute read, worth
    knowing once instead of calling it for every field of every row."""
    out = []
    for f in _fields(model, names):
        plain = type(f).pre_save is Field.pre_save or (
            isinstance(f, DateField) and not f.auto_now and not f.auto_now_add)
        out.append((_RELATION if f.is_relation else _PLAIN if plain else _PRE_SAVE, f.attname, f))
    return tuple(out)


def values(instance: Model, names: Sequence[str]) -> tuple:
    """The row of `instance` for insert(), as bulk_create would write it: auto_now times are set,
    and a foreign key's id is read from the related object when it was saved after being assigned."""
    out = []
    for how, attname, f in _readers(type(instance), tuple(names)):
        if how == _PLAIN:
            out.append(getattr(instance, attname))
        elif how == _RELATION:
            value = getattr(instance, attname)
            if value is None:
                related = f.get_cached_value(instance, None)
                value = related.pk if related is not None else None
            out.append(value)
        else:
            out.append(f.pre_save(instance, True))
    return tuple(out)


@functools.cache
def _insert_sql(model: type[Model], names: tuple[str, ...], vendor: str, ignore_conflicts_on: str | None,
                returning: bool) -> tuple[str, str, str]:
    """(INSERT … (columns), one row of VALUES marks, ON CONFLICT … RETURNING …), worked out once per shape."""
    qn = connection.ops.quote_name
    fields = _fields(model, names)
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
    conflict = f" ON CONFLICT ({qn(model._meta.get_field(ignore_conflicts_on).column)}) DO NOTHING" \
        if ignore_conflicts_on else ""
    back = f" RETURNING {qn(model._meta.pk.column)}" if returning else ""
    return head, f"({', '.join(['%s'] * len(fields))})", conflict + back


def insert(model: type[Model], names: Sequence[str], rows: Sequence[Sequence], *,
           ignore_conflicts_on: str | None = None, returning: bool = False) -> list | None:
    """INSERT the rows (tuples in the order of `names`); with `ignore_conflicts_on` (a unique
    column), rows whose value already exists are skipped. With `returning`, the new primary keys
    in the order of `rows` (not combinable with ignore_conflicts_on: skipped rows return nothing)."""
    if not rows:
        return [] if returning else None
    names = tuple(names)
    fields = _fields(model, names)
    head, marks, tail = _insert_sql(model, names, connection.vendor, ignore_conflicts_on, returning)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, params = _recordset(fields, rows)
            selected = ", ".join(f"v.c{i}" for i in range(len(fields)))
            # Rows come back in the order of the source, as bulk_create relies on too.
            cursor.execute(f"{head} SELECT {selected} FROM {source}{tail}", params)  # noqa: S608
            return [r[0] for r in cursor.fetchall()] if returning else None
        if not returning:
            cursor.executemany(f"{head} VALUES {marks}{tail}", _prepped(fields, rows))
            return None
        # Many rows per statement, ids back in row order (as Django's bulk_create relies on too).
        pks = []
        prepped = _prepped(fields, rows)
        for start in range(0, len(prepped), _SQLITE_ROWS):
            chunk = prepped[start:start + _SQLITE_ROWS]
            cursor.execute(f"{head} VALUES {', '.join([marks] * len(chunk))}{tail}",
                           [v for row in chunk for v in row])
            pks += [r[0] for r in cursor.fetchall()]
        return pks


@functools.cache
def _new_row_names(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)


def insert_new(instances: Sequence[Model]) -> None:
    """Save new instances of one model with one statement, as save() would for each: every column but
    the id, auto_now times set, each instance given its id. For hot paths, where save() compiles its
    INSERT anew on every call; it sends no signals, so only for models without save() overrides or
    receivers."""
    if not instances:
        return
    model = type(instances[0])
    names = _new_row_names(model)
    pks = insert(model, names, [values(obj, names) for obj in instances], returning=True)
    for obj, pk in zip(instances, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def update(model: type[Model], names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set the columns `names` of each row; a row is (pk, *values in the order of `names`)."""
    if not rows:
        return
    pk = model._meta.pk
    fields = _fields(model, names)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, params = _recordset([pk, *fields], rows)
            sets = ", ".join(f"{qn(f.column)} = v.c{i + 1}" for i, f in enumerate(fields))
            cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {source} WHERE t.{qn(pk.column)} = v.c0",  # noqa: S608
                           params)
        else:
            sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {qn(pk.column)} = %s",  # noqa: S608
                               [[*row[1:], row[0]] for row in _prepped([pk, *fields], rows)])
