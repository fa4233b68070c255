"""SQL building blocks the figures need and Django lacks: durations in seconds and percentiles.

PostgreSQL computes percentiles with percentile_cont inside the grouped query (`grouping_sets`). SQLite has no
percentile aggregate, so there each percentile is one ordered query that returns two values at an
OFFSET and interpolates them the way percentile_cont does; no query loads the rows themselves.
"""

from __future__ import annotations

import math

from django.db import connection
from django.db.models import FloatField, Func, Q, QuerySet


class Seconds(Func):
    """end − start in seconds, as a float."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        # date_part gives double precision; EXTRACT gives numeric since PostgreSQL 14, whose arithmetic
        # was a third of the monthly report's main query (three durations per complaint).
        return super().as_sql(compiler, connection, template="date_part('epoch', %(expressions)s)",
                              arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
                              arg_joiner=") - julianday(", **extra)


def native_percentiles() -> bool:
    return connection.vendor == "postgresql"


def percentile_by_offset(qs: QuerySet, expression, condition: Q | None, count: int, fraction: float) -> float | None:
    """percentile_cont over `count` rows of qs where `condition` holds, from one ordered query.

    Reads at most two values: the ones either side of the fractional position (n − 1) × fraction.
    """
    if count <= 0:
        return None
    rows = qs.annotate(_pv=expression)
    if condition is not None:
        rows = rows.filter(condition)
    rows = rows.filter(_pv__isnull=False).order_by("_pv").values_list("_pv", flat=True)
    position = (count - 1) * fraction
    low = math.floor(position)
    values = list(rows[low:low + 2])
    if not values:
        return None
    if len(values) == 1 or position == low:
        return float(values[0])
    return float(values[0]) + (float(values[1]) - float(values[0])) * (position - low)


def grouping_sets(inner: QuerySet, keys: list[str], aggregates: dict[str, str], *,
                  grand_total: bool = False) -> list[dict]:
    """Aggregate the rows of `inner` (a .values() queryset) by each key separately, in one scan (PostgreSQL).

    SELECT GROUPING(k) AS g_k…, k…, <aggregates> FROM (<inner>) r GROUP BY GROUPING SETS ((k1), (k2)…[, ()])
    `keys` are columns of `inner`; `aggregates` maps a result name to SQL over those columns. Both come
    from this package's code, never from the request; the request's values stay query parameters.
    """
    sql, params = inner.query.sql_with_params()
    q = connection.ops.quote_name
    sets = [f"({q(k)})" for k in keys] + (["()"] if grand_total else [])
    grouping = ", ".join(f"GROUPING({q(k)}) AS {q('g_' + k)}" for k in keys)
    columns = ", ".join(q(k) for k in keys)
    aggs = ", ".join(f"{expr} AS {q(name)}" for name, expr in aggregates.items())
    text = (f"SELECT {grouping}, {columns}, {aggs} FROM ({sql}) AS r "  # noqa: S608 - identifiers from code only
            f"GROUP BY GROUPING SETS ({', '.join(sets)})")
    with connection.cursor() as cur:
        cur.execute(text, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
