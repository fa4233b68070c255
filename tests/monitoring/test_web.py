"""Monitoring pages: alerts with acknowledgement, findings with correction and dismissal, the monthly
review, the home page count and the navigation link — each by role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loopdesk.complaints.models import Event
from loopdesk.monitoring.checks import scan
from loopdesk.monitoring.models import Alert, Finding
from tests.escalation.support import START

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
READERS = ("monty", "mia", "ada", "sam")
OUTSIDERS = ("amy", "hank", "holly")


@pytest.fixture
def browser(org):
    made: dict = {}

    def as_(username: str | None, *, csrf: bool = False) -> Client:
        if (username, csrf) not in made:
            c = Client(enforce_csrf_checks=csrf, HTTP_ACCEPT_LANGUAGE="en")
            if username:
                c.force_login(org.users[username])
            made[(username, csrf)] = c
        return made[(username, csrf)]

    return as_


@pytest.fixture
def burst_alert(craft):
    for _ in range(6):
        craft(received_at=START - timedelta(hours=2))
    return Alert.objects.create(kind="burst", dedupe_key="b1", dimension="type", subject_value="delivery_delay",
                                subject_label="配送延迟 / Late delivery", window_start=START - DAY, window_end=START,
                                observed=6, baseline_mean=0.5, baseline_sd=0.5, threshold=3.5,
                                params={"subject": "配送延迟 / Late delivery", "count": 6, "mean": "0.5",
                                        "threshold": "3.5", "hours": "24", "dimension": "type"})


def test_the_nav_link_shows_for_the_roles_that_may_see_monitoring(browser):
    for who in READERS:
        assert 'href="/monitoring/alerts"' in browser(who).get("/").content.decode(), who
    for who in OUTSIDERS:
        assert 'href="/monitoring/alerts"' not in browser(who).get("/").content.decode(), who


def test_the_pages_by_role(browser, burst_alert, craft):
    craft(subject="")
    scan(["missing_required_fields"])
    f = Finding.objects.get()
    pages = ["/monitoring/alerts", f"/monitoring/alerts/{burst_alert.pk}", "/monitoring/checks",
             f"/monitoring/checks/{f.pk}", "/monitoring/review"]
    for who in ("monty", "mia", "ada"):
        for url in pages:
            assert browser(who).get(url).status_code == 200, (who, url)
    assert browser("sam").get("/monitoring/alerts").status_code == 200
    assert browser("sam").get(f"/monitoring/alerts/{burst_alert.pk}").status_code == 404  # desk-wide: not his
    for who in OUTSIDERS:
        for url in pages:
            assert browser(who).get(url).status_code == 403, (who, url)
    assert browser(None).get("/monitoring/alerts").status_code == 302


def test_a_burst_alert_shows_its_numbers_and_the_complaints_it_counted(browser, burst_alert):
    html = browser("monty").get(f"/monitoring/alerts/{burst_alert.pk}").content.decode()
    assert "Complaint burst: 配送延迟 / Late delivery" in html
    assert "3.5" in html and html.count('href="/complaints/T') >= 6


def test_acknowledging_on_the_page_needs_the_csrf_token_and_a_note(browser, burst_alert, org):
    client = browser("monty", csrf=True)
    url = f"/monitoring/alerts/{burst_alert.pk}/acknowledge"
    assert client.post(url, {"note": "已处理"}).status_code == 403  # no token
    client.get("/monitoring/alerts")
    token = client.cookies["csrftoken"].value
    r = client.post(url, {"note": "  ", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    burst_alert.refresh_from_db()
    assert burst_alert.acknowledged_at is None
    r = client.post(url, {"note": "已联系物流部核查", "csrfmiddlewaretoken": token, "next": "/monitoring/alerts"})
    assert r.status_code == 302 and r["Location"] == "/monitoring/alerts"
    burst_alert.refresh_from_db()
    assert (burst_alert.acknowledged_by, burst_alert.ack_note) == (org.monty, "已联系物流部核查")
    html = browser("monty").get("/monitoring/alerts?show=all").content.decode()
    assert "Acknowledged by Monty" in html and "已联系物流部核查" in html
    assert f'id="alert-{burst_alert.pk}"' not in browser("monty").get("/monitoring/alerts").content.decode()


def test_supervisors_and_outsiders_cannot_acknowledge(browser, craft, org):
    alert = Alert.objects.create(kind="high_risk", dedupe_key="r1", params={"to_level": 2},
                                 complaint=craft(department=org.depts["logistics"]))
    assert 'name="note"' not in browser("sam").get("/monitoring/alerts").content.decode()
    assert browser("sam").post(f"/monitoring/alerts/{alert.pk}/acknowledge", {"note": "看到"}).status_code == 403
    assert browser("amy").post(f"/monitoring/alerts/{alert.pk}/acknowledge", {"note": "看到"}).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_home_page_counts_the_alerts_to_acknowledge(browser, burst_alert):
    html = browser("monty").get("/").content.decode()
    assert "Alerts to acknowledge" in html and 'href="/monitoring/alerts"><strong>1</strong>' in html
    assert "Alerts to acknowledge" not in browser("hank").get("/").content.decode()


def test_the_alert_list_costs_the_same_however_many_alerts(browser, craft):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert browser("monty").get("/monitoring/alerts").status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        Alert.objects.create(kind="high_risk", dedupe_key=f"a{i}", complaint=craft(), params={"to_level": 2})
    queries()  # the first page of a process also loads the memoised configuration
    few = queries()
    for i in range(2, 20):
        Alert.objects.create(kind="high_risk", dedupe_key=f"a{i}", complaint=craft(), params={"to_level": 2})
    assert queries() == few


def test_correcting_a_finding_on_its_page(browser, craft, org):
    c = craft(status="resolved", received_at=START - 2 * DAY, accepted_at=START - 2 * DAY,
              resolved_at=START - 3 * DAY, resolution_summary="已处理")
    scan(["resolved_before_received"])
    f = Finding.objects.get()
    page = browser("monty").get(f"/monitoring/checks/{f.pk}").content.decode()
    assert 'name="resolved_at"' in page and 'name="received_at"' in page and 'name="subject"' not in page
    assert 'value="2026-11-20T10:00"' in page  # the current value, in local time
    r = browser("monty").post(f"/monitoring/checks/{f.pk}/correct", {
        "received_at": "2026-11-21T10:00", "resolved_at": "2026-11-20T10:00", "reason": "更正"})
    assert r.status_code == 400 and "Change at least one field." in r.content.decode()
    r = browser("monty").post(f"/monitoring/checks/{f.pk}/correct", {
        "received_at": "2026-11-21T10:00", "resolved_at": "2026-11-20T12:00", "reason": "更正"})
    assert r.status_code == 400 and "still fails" in r.content.decode()
    r = browser("monty").post(f"/monitoring/checks/{f.pk}/correct", {
        "received_at": "2026-11-21T10:00", "resolved_at": "2026-11-22T16:00", "reason": "按系统日志更正"})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.status == "corrected"
    e = Event.objects.get(complaint=c, action="correct_data")
    assert set(e.after) == {"resolved_at"}  # the untouched field is not rewritten
    assert "按系统日志更正" in browser("monty").get(f"/complaints/{c.number}").content.decode()


def test_dismissing_a_finding_on_its_page(browser, craft, org):
    craft(subject="", department=org.depts["logistics"])  # sam's department: he sees it, may not act
    scan(["missing_required_fields"])
    f = Finding.objects.get()
    assert browser("monty").post(f"/monitoring/checks/{f.pk}/dismiss", {"reason": ""}).status_code == 400
    assert browser("sam").post(f"/monitoring/checks/{f.pk}/dismiss", {"reason": "不是问题"}).status_code == 403
    assert browser("mia").post(f"/monitoring/checks/{f.pk}/dismiss", {"reason": "客户原话"}).status_code == 302
    f.refresh_from_db()
    assert f.status == "dismissed"


def test_scanning_from_the_findings_page(browser, craft):
    craft(subject="")
    assert browser("sam").post("/monitoring/checks/scan").status_code == 403
    r = browser("monty").post("/monitoring/checks/scan")
    assert r.status_code == 302
    html = browser("monty").get("/monitoring/checks").content.decode()
    assert "Missing required fields" in html and "Fields concerned: subject." in html


def test_the_monthly_review_page(browser, craft, org, clock):
    craft(subject="")
    craft(description="")
    scan()
    from loopdesk.monitoring.corrections import correct

    correct(Finding.objects.get(detail__fields=["subject"]).pk, actor=org.monty, changes={"subject": "补登"},
            reason="补登")
    html = browser("monty").get("/monitoring/review?month=2026-11").content.decode()
    row = html.split('id="review-missing_required_fields"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[1:]] == ["2", "1", "0", "0", "1", "1"]
    assert browser("monty").get("/monitoring/review?month=nope").status_code == 400


def test_the_findings_list_and_the_review_cost_the_same_however_many_findings(browser, craft):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert browser("monty").get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        craft(subject="")
    scan()
    queries("/monitoring/checks")  # warm the memoised configuration
    few = {url: queries(url) for url in ("/monitoring/checks", "/monitoring/review")}
    for _ in range(15):
        craft(subject="", description="")
    scan()
    assert {url: queries(url) for url in few} == few
