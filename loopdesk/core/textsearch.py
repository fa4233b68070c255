"""Chinese-aware keyword search without a dictionary.

Text is indexed as overlapping character bigrams for CJK runs (洗衣机 → 洗衣 衣机) and lower-cased
words for everything else. A query matches when all of its tokens are present, so any substring
of two or more Chinese characters is found, whatever a segmenter would have thought of it.
PostgreSQL keeps a GIN index over to_tsvector('simple', search_text); SQLite scans with LIKE.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

T = TypeVar("T")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
MAX_QUERY_TOKENS = 24


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _TOKEN_RE.findall(text.lower()):
        if _CJK_RE.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def index_text(*parts: str) -> str:
    """The value stored in a search_text column: unique tokens, space separated, order kept."""
    return " ".join(dict.fromkeys(tok for part in parts if part for tok in tokens(part)))


def through_index(query: str) -> bool:
    """Whether PostgreSQL matches `query` through the GIN index first (several words) rather than
    letting the planner choose (one word). Both give the same rows."""
    return len(set(_TOKEN_RE.findall(query.lower()))) > 1


def search(qs: QuerySet, query: str, field: str = "search_text", *, use_index: bool | None = None,
           vector: str | None = None) -> QuerySet:
    """Rows containing every token of `query`. `use_index` (PostgreSQL) forces or forbids matching
    through the GIN index first; by default `through_index(query)` decides. `vector`: a stored
    column holding to_tsvector('simple', field), matched instead of computing it per row."""
    toks = list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]
    if not toks:
        return qs.none() if query.strip() else qs
    meta = qs.model._meta
    table, column = meta.db_table, meta.get_field(field).column
    if connection.vendor == "postgresql" and all(len(t) > 1 or not _CJK_RE.match(t) for t in toks):
        # Lexemes are quoted; ASCII words match as prefixes ("1231" finds "12315").
        terms = " & ".join(f"'{t}'" + ("" if _CJK_RE.match(t) else ":*") for t in toks)

        def doc(alias: str) -> str:
            return f'{alias}."{vector}"' if vector else f"""to_tsvector('simple', {alias}."{column}")"""

        if not (through_index(query) if use_index is None else use_index):
            # One word: the planner's estimate is exact (one lexeme) or too low (the bigrams of one
            # word occur together), so its own choice — walking the newest rows — is the fast one.
            sql = f"""{doc(f'"{table}"')} @@ to_tsquery('simple', %s)"""
        else:
            # Several words: PostgreSQL multiplies their frequencies as if independent; words that are
            # common but never together would make it walk the whole table newest-first, evaluating
            # to_tsvector on every row (seconds at 100k). Matching through the GIN index first (OFFSET 0
            # keeps the subquery from being flattened) costs in proportion to the matches instead.
            pk = meta.pk.column
            sql = (f"""("{table}"."{pk}" IN (SELECT s."{pk}" FROM "{table}" s """  # noqa: S608 - metadata only
                   f"""WHERE {doc("s")} @@ to_tsquery('simple', %s) OFFSET 0))""")
        # Only model metadata goes into the SQL; the query is a parameter.
        return qs.filter(RawSQL(sql, [terms], output_field=BooleanField()))  # noqa: S611
    for tok in toks:
        qs = qs.filter(**{f"{field}__contains": tok})
    return qs


# A one-word search is left to the planner, which walks the newest rows until the page is full:
# fast unless the word's rows are all old, when it reads most of the table. Past this budget the
# page is fetched again matching through the GIN index (the same rows; time bounded by the matches).
SEARCH_BUDGET_MS = 300
_QUERY_CANCELED = "57014"


def within_budget(query: str | None, fetch: Callable[..., T]) -> T:
    """`fetch(search_through_index=None)` for a page of results; for a one-word search on PostgreSQL,
    given SEARCH_BUDGET_MS, then `fetch(search_through_index=True)` if it ran out. `fetch` only reads."""
    if not query or connection.vendor != "postgresql" or through_index(query):
        return fetch(search_through_index=None)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{SEARCH_BUDGET_MS}ms"])
            result = fetch(search_through_index=None)
            # The block only read: rolling it back also ends the budget, within an outer transaction too.
            transaction.set_rollback(True)
            return result
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != _QUERY_CANCELED:
            raise
    return fetch(search_through_index=True)
