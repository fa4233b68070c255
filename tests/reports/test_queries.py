"""The database computes every figure: the number of queries does not grow with the complaints."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loopdesk.reports.aggregates import native_percentiles
from loopdesk.reports.figures import compute
from loopdesk.reports.query import parse
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db


def _queries(org, user="mia") -> int:
    q = parse(org.users[user], {"period": "month", "date": "2026-11-15"}).report_query()
    compute(q)  # warm the per-process caches (problem types)
    with CaptureQueriesContext(connection) as ctx:
        compute(q)
    return len(ctx.captured_queries)


def test_the_query_count_is_independent_of_the_number_of_complaints(org, november, make, web):
    before = _queries(org)
    for day in range(3, 28):
        make(at(11, day), priority="A", first_response_at=at(11, day, 11), resolved_at=at(11, day, 12),
             resolution_summary="ok")
    assert _queries(org) == before
    if native_percentiles():
        assert before <= 14, before  # PostgreSQL: percentiles inside the grouped queries


def test_the_page_sends_a_fixed_number_of_queries(org, november, make, web):
    client = web("mia")
    client.get("/reports", {"date": "2026-11-15"})
    with CaptureQueriesContext(connection) as small:
        client.get("/reports", {"date": "2026-11-15"})
    for day in range(3, 20):
        make(at(11, day), channel="MAIL", product=f"p{day}", region=f"r{day}")
    with CaptureQueriesContext(connection) as large:
        client.get("/reports", {"date": "2026-11-15"})
    assert len(large.captured_queries) == len(small.captured_queries)
