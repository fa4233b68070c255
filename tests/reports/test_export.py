"""The report as an Excel download: one sheet per table, numbers as numbers, the export audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from loopdesk.accounts.models import AuditLog

pytestmark = pytest.mark.django_db


def _book(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_month_downloads_as_a_workbook(org, november, web):
    r = web("mia", "zh-hans").get("/reports/export.xlsx", {"period": "month", "date": "2026-11-15"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="report-20261101-20261130-' in r["Content-Disposition"]
    wb = _book(r)
    assert len(wb.sheetnames) == 5
    summary = [row for row in wb.worksheets[0].iter_rows(values_only=True) if row and row[0]]
    assert summary[3][1] == 5  # complaints received
    rates = {row[0]: row for row in wb.worksheets[0].iter_rows(values_only=True) if row and isinstance(row[1], float)}
    completeness = next(v for k, v in rates.items() if v[2] == 3 and v[3] == 5)
    assert completeness[1] == pytest.approx(0.6) and completeness[4] == pytest.approx(0.98)
    trend = list(wb.worksheets[1].iter_rows(values_only=True))
    assert len(trend) == 31 and sum(r[2] for r in trend[1:]) == 5
    prio = list(wb.worksheets[2].iter_rows(values_only=True))
    assert [r[1] for r in prio[1:]] == [2, 1, 2]
    assert prio[1][8] == pytest.approx(0.5) and prio[1][9] == pytest.approx(0.9)  # A satisfaction vs target
    top = list(wb.worksheets[4].iter_rows(values_only=True))
    assert top[1][0] == "配送延迟" and top[1][1] == 3 and top[1][2] == pytest.approx(0.6)
    log = AuditLog.objects.get(action="export", target="report")
    assert log.actor == org.mia and log.detail["complaints"] == 5 and log.detail["query"]["date"] == "2026-11-01"


def test_a_formula_in_a_label_stays_text(org, make, clock, web):
    from tests.reports.conftest import at

    make(at(11, 3), product="=HYPERLINK(\"http://x\")")
    wb = _book(web("mia").get("/reports/export.xlsx", {"date": "2026-11-15"}))
    cells = [c.value for row in wb.worksheets[3].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(v.startswith("=") for v in cells)


def test_bad_input_refuses_the_download(org, web):
    r = web("mia").get("/reports/export.xlsx", {"period": "custom"})
    assert r.status_code == 400
    assert not AuditLog.objects.filter(target="report").exists()
