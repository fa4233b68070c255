"""REST API for alerts and data checks, with the role matrix: who may read, who may act."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.monitoring.checks import scan
from loopdesk.monitoring.models import Alert, Finding
from tests.escalation.support import START

pytestmark = pytest.mark.django_db
READERS = ("monty", "mia", "ada", "sam")
ACTORS = ("monty", "mia", "ada")
OUTSIDERS = ("amy", "hank", "holly")
DAY = timedelta(days=1)


@pytest.fixture
def alerts(org, craft):
    """A burst alert (desk-wide) and a high-risk alert on a logistics complaint (sam's department)."""
    logistics = craft(department=org.depts["logistics"])
    tech = craft(department=org.depts["tech"])
    burst = Alert.objects.create(kind="burst", dedupe_key="b1", dimension="type", subject_value="delivery_delay",
                                 subject_label="配送延迟 / Late delivery", window_start=START - DAY, window_end=START,
                                 observed=9, baseline_mean=1.0, baseline_sd=0.5, threshold=4.0,
                                 params={"subject": "配送延迟 / Late delivery", "count": 9, "mean": "1.0",
                                         "threshold": "4.0", "hours": "24", "dimension": "type"})
    risk = Alert.objects.create(kind="high_risk", dedupe_key="r1", complaint=logistics, params={"to_level": 2})
    other = Alert.objects.create(kind="high_risk", dedupe_key="r2", complaint=tech, params={"to_level": 2})
    return type("Alerts", (), {"burst": burst, "risk": risk, "other": other})


def test_the_alert_list_by_role(api, alerts):
    for who in ACTORS:
        r = api(who, "en").get("/alerts")
        assert r.status_code == 200, who
        assert {a["id"] for a in r.json()["items"]} == {alerts.burst.pk, alerts.risk.pk, alerts.other.pk}
    # A supervisor reads the alerts about their departments' complaints only.
    r = api("sam").get("/alerts")
    assert [a["id"] for a in r.json()["items"]] == [alerts.risk.pk]
    for who in OUTSIDERS:
        assert api(who).get("/alerts").status_code == 403, who
    assert api(None).get("/alerts").status_code == 401


def test_an_alert_reads_like_its_notification(api, alerts):
    items = {a["id"]: a for a in api("monty", "en").get("/alerts").json()["items"]}
    b = items[alerts.burst.pk]
    assert b["title"] == "Complaint burst: 配送延迟 / Late delivery"
    assert b["body"].startswith("9 complaints about 配送延迟 / Late delivery in the last 24 hours")
    assert (b["observed"], b["threshold"], b["dimension"]) == (9, 4.0, "type")
    assert items[alerts.risk.pk]["complaint"] == alerts.risk.complaint.number


def test_acknowledging_an_alert(api, alerts, org):
    r = api("monty").post(f"/alerts/{alerts.burst.pk}/acknowledge", {"note": "已通知物流部排查承运商"})
    assert r.status_code == 200, r.content
    assert (r.json()["acknowledged_by"], r.json()["ack_note"]) == ("monty", "已通知物流部排查承运商")
    assert api("mia").post(f"/alerts/{alerts.burst.pk}/acknowledge", {"note": "再次确认"}).status_code == 409
    waiting = api("monty").get("/alerts", {"acknowledged": "false"}).json()["items"]
    assert alerts.burst.pk not in {a["id"] for a in waiting}
    alerts.burst.refresh_from_db()
    assert (alerts.burst.acknowledged_by, alerts.burst.ack_note) == (org.monty, "已通知物流部排查承运商")


def test_refused_acknowledgements_change_nothing(api, alerts):
    before = list(Alert.objects.order_by("id").values())
    assert api("monty").post(f"/alerts/{alerts.risk.pk}/acknowledge", {"note": " "}).status_code == 422
    assert api("sam").post(f"/alerts/{alerts.risk.pk}/acknowledge", {"note": "看到了"}).status_code == 403
    for who in OUTSIDERS:
        assert api(who).post(f"/alerts/{alerts.risk.pk}/acknowledge", {"note": "看到了"}).status_code == 403
    assert api("monty").post("/alerts/999999/acknowledge", {"note": "看到了"}).status_code == 404
    assert list(Alert.objects.order_by("id").values()) == before


def test_the_alert_list_filters_and_pages(api, alerts):
    r = api("ada").get("/alerts", {"kind": "burst"}).json()
    assert [a["id"] for a in r["items"]] == [alerts.burst.pk]
    page = api("ada").get("/alerts", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api("ada").get("/alerts", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert api("ada").get("/alerts", {"kind": "nonsense"}).status_code == 422
    assert api("ada").get("/alerts", {"limit": 0}).status_code == 422


@pytest.fixture
def finding(craft, org):
    craft(subject="", department=org.depts["logistics"])
    scan(["missing_required_fields"])
    return Finding.objects.get()


def test_findings_by_role(api, finding):
    for who in READERS:
        r = api(who).get("/data-checks/findings", {"status": "open"})
        assert r.status_code == 200 and [f["id"] for f in r.json()["items"]] == [finding.pk], who
    for who in OUTSIDERS:
        assert api(who).get("/data-checks/findings").status_code == 403
        assert api(who).get(f"/data-checks/findings/{finding.pk}").status_code == 403
    one = api("monty").get(f"/data-checks/findings/{finding.pk}").json()
    assert one["check"] == "missing_required_fields" and "subject" in one["correctable_fields"]
    assert one["detail"] == {"fields": ["subject"], "status": "new"}


def test_correcting_through_the_api(api, finding):
    assert api("sam").post(f"/data-checks/findings/{finding.pk}/correct",
                           {"changes": {"subject": "补登主题"}, "reason": "按录音补登"}).status_code == 403
    r = api("monty").post(f"/data-checks/findings/{finding.pk}/correct",
                          {"changes": {"subject": "洗衣机未送达"}, "reason": "按录音补登"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["closed_by"]) == ("corrected", "monty")
    assert r.json()["verified_at"] is not None
    from loopdesk.complaints.models import Complaint
    from loopdesk.core.textsearch import search

    assert search(Complaint.objects.all(), "洗衣机").get().pk == finding.complaint_id  # the new subject is searchable
    r = api("monty").post(f"/data-checks/findings/{finding.pk}/dismiss", {"reason": "x"})
    assert r.status_code == 409


def test_a_correction_the_check_still_rejects_is_a_field_error(api, finding):
    r = api("monty", "en").post(f"/data-checks/findings/{finding.pk}/correct",
                                {"changes": {"subject": "  "}, "reason": "按录音补登"})
    assert r.status_code == 422
    r = api("monty", "en").post(f"/data-checks/findings/{finding.pk}/correct",
                                {"changes": {"status": "closed"}, "reason": "按录音补登"})
    assert r.status_code == 422 and "status" in r.json()["errors"]


def test_dismissing_through_the_api(api, finding):
    r = api("mia").post(f"/data-checks/findings/{finding.pk}/dismiss", {"reason": "客户原话即无主题"})
    assert r.status_code == 200 and r.json()["status"] == "dismissed"


def test_scanning_on_demand_through_the_api(api, craft):
    craft(subject="")
    assert api("sam").post("/data-checks/scan", {}).status_code == 403
    assert api("amy").post("/data-checks/scan", {}).status_code == 403
    r = api("monty").post("/data-checks/scan", {"checks": ["missing_required_fields"]})
    assert r.json() == {"results": {"missing_required_fields": {"found": 1, "still_open": 0, "cleared": 0}}}
    assert api("monty").post("/data-checks/scan", {"checks": ["nope"]}).status_code == 422
    assert {c["name"] for c in api("sam").get("/data-checks").json()} >= {"likely_duplicates", "status_timestamps"}


def test_the_monthly_review_through_the_api(api, finding, clock):
    r = api("monty").get("/data-checks/review", {"month": "2026-11"})
    assert r.status_code == 200
    rows = {row["check"]: row for row in r.json()["rows"]}
    assert rows["missing_required_fields"]["found"] == 1 and rows["missing_required_fields"]["still_open"] == 1
    assert r.json()["totals"]["open_now"] == 1
    assert api("amy").get("/data-checks/review").status_code == 403
    assert api("monty").get("/data-checks/review", {"month": "11/2026"}).status_code == 422
