"""Excel export of the filtered list: SPEC §9 columns, only what the person may see, masked, audited."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import actions
from loopdesk.web.views import export
from tests.web.conftest import register

COLUMNS = ["编号", "客户信息", "反馈渠道", "问题描述", "问题类型", "严重程度", "接收时间", "责任人", "处理进度",
           "处理措施", "客户反馈"]


def sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_it_exports_the_worksheet_columns(org, browser, complaint):
    c = complaint("in_progress", phone="13812341234", customer_name="张先生")
    actions.propose_solution(c.number, actor=org.ada, measures="补发新机")
    actions.record_response(c.number, actor=org.ada, response="accepted", comment="可以")
    rows = sheet(browser("ada").get("/complaints/export.xlsx"))
    assert rows[0][: len(COLUMNS)] == COLUMNS
    row = dict(zip(rows[0], rows[1], strict=False))
    assert row["编号"] == c.number
    assert "张先生" in row["客户信息"] and "138****1234" in row["客户信息"] and "13812341234" not in row["客户信息"]
    assert row["问题类型"] == "配送延迟" and row["责任人"] == "Hank"
    assert row["问题描述"] == c.description and row["处理措施"] == "补发新机"
    assert row["客户反馈"].endswith("可以")
    assert row["接收时间"] is not None


def test_it_exports_the_current_filters_and_only_visible_complaints(org, browser, complaint):
    mine = complaint("new", phone="13700000001")
    working = complaint("in_progress", phone="13700000002")
    tech = complaint("new", phone="13700000003", problem_type="feature_fault", subject="无法启动")
    got = {r[0] for r in sheet(browser("ada").get("/complaints/export.xlsx", {"status": "new"}))[1:]}
    assert got == {mine.number, tech.number}
    got = {r[0] for r in sheet(browser("hank").get("/complaints/export.xlsx"))[1:]}
    assert got == {mine.number, working.number}


def test_every_export_is_audited(org, browser, complaint):
    complaint("new")
    sheet(browser("sam").get("/complaints/export.xlsx", {"status": "new"}))
    log = AuditLog.objects.get(action="export")
    assert log.actor == org.sam and log.detail["rows"] == 1 and log.detail["query"] == "status=new"


def test_it_is_bounded(org, browser, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    for i in range(3):
        register(org, phone=f"1370000000{i}")
    assert len(sheet(browser("ada").get("/complaints/export.xlsx"))) == 3  # header + 2
    assert AuditLog.objects.get(action="export").detail == {"query": "", "rows": 2, "truncated": True,
                                                            "format": "xlsx"}


def test_customer_text_never_becomes_a_formula(org, browser):
    register(org, phone="13700000009", subject="=HYPERLINK(\"http://evil\")", description="=1+1")
    row = sheet(browser("ada").get("/complaints/export.xlsx"))[1]
    assert row[3] == "=1+1"


def test_its_query_count_does_not_grow_with_the_rows(org, browser):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            sheet(browser("ada").get("/complaints/export.xlsx"))
        return len(ctx.captured_queries)

    for i in range(3):
        register(org, phone=f"1360000000{i}")
    count()  # warms the per-process configuration memo
    few = count()
    for i in range(3, 25):
        register(org, phone=f"136000000{i:02d}")
    assert count() == few
