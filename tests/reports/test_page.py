"""The report page: figures, accessible charts with tables beside them, filters and their errors."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_month_page_shows_figures_charts_and_tables(org, november, web):
    r = web("mia").get("/reports", {"period": "month", "date": "2026-11-15"})
    assert r.status_code == 200
    html = r.content.decode()
    assert re.search(r'id="fig-total">5<', html)
    assert "60%" in html  # record completeness and the top type's share
    # Charts are inline SVG images with a title and a description, and a table of the same figures.
    for chart in ("chart-trend", "chart-rates", "chart-top", "chart-channel", "chart-owner"):
        assert re.search(rf'<svg id="{chart}" class="chart" role="img" aria-labelledby="{chart}-t {chart}-d"', html)
    for table in ("trend-table", "times-table", "priority-table", "satisfaction-table", "top-types", "dist-region"):
        assert f'id="{table}"' in html
    assert "<script" not in html.split('<main id="main"')[1]  # no chart library
    assert 'href="/reports/export.xlsx?period=month&amp;bucket=day&amp;date=2026-11-01"' in html
    assert 'aria-current="page">Reports<' in html


def test_the_page_speaks_chinese(org, november, web):
    html = web("mia", "zh-hans").get("/reports", {"date": "2026-11-15"}).content.decode()
    assert '<html lang="zh-CN">' in html
    assert "配送延迟" in html


def test_filters_carry_into_the_download_link(org, november, web):
    html = web("mia").get("/reports", {"date": "2026-11-15", "priority": ["A", "B"], "region": "北京"}).content.decode()
    assert re.search(r'id="fig-total">1<', html)
    assert "priority=A%2CB" in html and "region=%E5%8C%97%E4%BA%AC" in html


def test_a_customer_controlled_label_is_escaped(org, make, clock, web):
    from tests.reports.conftest import at

    make(at(11, 3), product='<script>alert(1)</script>')
    html = web("mia").get("/reports", {"date": "2026-11-15"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(("params", "field"), [
    ({"period": "year"}, "period"),
    ({"period": "custom", "date_from": "2026-11-10"}, "date_to"),
    ({"period": "custom", "date_from": "2026-11-10", "date_to": "2026-11-01"}, "date_to"),
    ({"period": "custom", "date_from": "2020-01-01", "date_to": "2026-11-01"}, "date_to"),
    ({"date": "2026-13-45"}, "date"),
    ({"channel": "FAX"}, "channel"),
    ({"department": "nope"}, "department"),
    ({"period": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31", "bucket": "hour"}, "bucket"),
])
def test_bad_input_is_shown_next_to_its_field(org, web, params, field):
    r = web("mia").get("/reports", params)
    assert r.status_code == 400
    html = r.content.decode()
    if field == "bucket":
        assert "Too many points" in html
    else:
        assert f'id="id_{field}_error"' in html
    assert 'id="key-figures"' not in html
