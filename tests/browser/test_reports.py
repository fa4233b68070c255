"""The report page in a browser: a manager reads a period's figures and charts, downloads the Excel
file; a handler has no report link and is turned away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint, Satisfaction, SurveyToken
from loopdesk.deadlines.models import Deadline
from tests.browser.people import sign_in
from tests.domain.support import intake

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (hours ago, priority, channel, type, region, product, first response after h, resolved after h, rating)
ROWS = [
    (200, "A", "TEL", "delivery_delay", "上海", "洗衣机", 0.5, 3, "5555"),
    (180, "A", "TEL", "delivery_delay", "上海", "洗衣机", 2, 9, "3344"),
    (150, "B", "MAIL", "product_function", "北京", "手机", 1, 20, "4454"),
    (120, "B", "CHAT", "refund", "广州", "空调", 3, 30, None),
    (100, "C", "WEB", "delivery_delay", "上海", "冰箱", 10, 50, "5545"),
    (90, "C", "TEL", "rude", "杭州", "", 20, None, None),
    (60, "C", "SOC", "other", "上海", "手机", None, None, None),
    (30, "C", "TEL", "delivery_delay", "成都", "洗衣机", 1, 10, "4444"),
    (8, "B", "PLAT", "wrong_charge", "北京", "", None, None, None),
]


def _complaints(org) -> None:
    now = timezone.now()
    for i, (ago, prio, channel, code, region, product, fr, res, rating) in enumerate(ROWS):
        received = now - timedelta(hours=ago)
        c = register_complaint(intake(channel=channel, problem_type=code, received_at=received, product=product,
                                      customer={"phone": f"1390000{i:04d}", "region": region}),
                               actor=org.amy).complaint
        Complaint.objects.filter(pk=c.pk).update(
            registered_at=received + timedelta(minutes=3 + 4 * i), priority=prio, region=region, is_repeat=False,
            owner=org.hank if code == "delivery_delay" else org.holly,
            status="closed" if res else "in_progress",
            first_response_at=received + timedelta(hours=fr) if fr else None,
            resolved_at=received + timedelta(hours=res) if res else None, resolution_summary="已处理" if res else "")
        limits = {"A": (1, 4), "B": (4, 24), "C": (24, 72)}[prio]
        for kind, done, limit in (("first_response", fr, limits[0]), ("resolution", res, limits[1])):
            if done:
                Deadline.objects.filter(complaint=c, kind=kind, cycle=1).update(state="done", met=done <= limit)
        if res:
            SurveyToken.objects.create(complaint=c, nonce=f"b-{c.pk}", expires_at=now + timedelta(days=7))
        if rating:
            scores = dict(zip(("response_speed", "result", "attitude", "communication"), map(int, rating),
                              strict=True))
            Satisfaction.objects.create(complaint=c, source="survey", **scores)


def test_a_manager_reads_the_report_and_downloads_it(org, browser, site, shoot):
    _complaints(org)
    mia = sign_in(browser, site, "mia")
    with mia.expect_navigation():
        mia.click("#mainnav a[href='/reports']")
    assert mia.locator("#mainnav a[aria-current='page']").get_attribute("href") == "/reports"
    today = timezone.localdate()
    mia.select_option("#id_period", "custom")
    mia.fill("#id_date_from", (today - timedelta(days=10)).isoformat())
    mia.fill("#id_date_to", today.isoformat())
    with mia.expect_navigation():
        mia.click("#report-form button.primary")
    assert mia.locator("#fig-total").inner_text().startswith("9")
    trend = mia.locator("svg#chart-trend")
    assert trend.is_visible() and trend.get_attribute("role") == "img"
    assert mia.locator("svg#chart-trend rect").count() == 11  # one bar per day of the period
    assert mia.locator("#top-types tbody tr").first.inner_text().startswith("配送延迟")
    assert mia.locator("#priority-table tbody tr").count() == 3
    shoot(mia, "40-reports-manager")
    mia.click("section[aria-labelledby='h-dist-channel'] summary")
    assert mia.locator("#dist-channel").is_visible()
    with mia.expect_download() as info:
        mia.click("#report-export")
    assert info.value.suggested_filename.startswith("report-") and info.value.suggested_filename.endswith(".xlsx")


def test_a_bad_period_is_explained_next_to_the_field(org, browser, site, shoot):
    mia = sign_in(browser, site, "mia")
    mia.goto(f"{site}/reports?period=custom&date_from=2026-11-10&date_to=2026-11-01")
    assert mia.locator("#id_date_to_error").inner_text() == "结束日期不能早于开始日期。"
    shoot(mia, "41-reports-bad-period")


def test_a_handler_has_no_reports(org, browser, site, shoot):
    hank = sign_in(browser, site, "hank")
    assert hank.locator("#mainnav a[href='/reports']").count() == 0
    assert hank.goto(f"{site}/reports").status == 403
    shoot(hank, "42-reports-forbidden")
