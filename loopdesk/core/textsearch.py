"""Chinese-aware keyword search without a dictionary.

Text is indexed as overlapping character bigrams for CJK runs (洗衣机 → 洗衣 衣机) and lower-cased
words for everything else. A query matches when all of its tokens are present, so any substring
of two or more Chinese characters is found, whatever a segmenter would have thought of it.
PostgreSQL keeps a GIN index over to_tsvector('simple', search_text); SQLite scans with LIKE.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

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


def search(qs: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    toks = list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]
    if not toks:
        return qs.none() if query.strip() else qs
    table = qs.model._meta.db_table
    column = f'"{table}"."{qs.model._meta.get_field(field).column}"'
    if connection.vendor == "postgresql" and all(len(t) > 1 or not _CJK_RE.match(t) for t in toks):
        # Lexemes are quoted; ASCII words match as prefixes ("1231" finds "12315").
        terms = " & ".join(f"'{t}'" + ("" if _CJK_RE.match(t) else ":*") for t in toks)
        match = RawSQL(  # noqa: S611 - column comes from model metadata, the query is a parameter
            f"to_tsvector('simple', {column}) @@ to_tsquery('simple', %s)", [terms], output_field=BooleanField()
        )
        return qs.filter(match)
    for tok in toks:
        qs = qs.filter(**{f"{field}__contains": tok})
    return qs
