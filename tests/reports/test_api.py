"""GET /api/v1/reports: the page's figures as JSON, bad parameters as localized field errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_month_as_json(org, november, api):
    r = api("mia").get("/reports", {"period": "month", "date": "2026-11-15"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["period"]["first_day"] == "2026-11-01" and body["period"]["last_day"] == "2026-11-30"
    assert body["period"]["start"].startswith("2026-11-01T00:00:00+08:00") or body["period"]["start"].startswith(
        "2026-10-31T16:00:00")
    assert body["total"] == 5 and body["previous_total"] == 1
    assert len(body["trend"]) == 30
    assert body["first_response"] == {"count": 4, "avg_seconds": 6750.0, "p50_seconds": 5400.0, "p90_seconds": 12240.0}
    assert body["record_completeness"] == {"hits": 3, "total": 5, "rate": 0.6, "target": 0.98, "meets_target": False}
    assert body["survey_response"]["rate"] == 0.75 and body["survey_response"]["target"] == 0.15
    assert body["repeat"]["rate"] == 0.2
    a = body["by_priority"][0]
    assert a["priority"] == "A" and a["satisfaction"]["target"] == 0.9 and a["satisfaction"]["rate"] == 0.5
    assert a["satisfaction_dimensions"]["attitude"]["rate"] == 1.0
    assert body["top_problem_types"][0]["key"] and body["top_problem_types"][0]["share"] == 0.6
    assert {d["key"]: d["count"] for d in body["distributions"]["channel"]} == {"TEL": 2, "MAIL": 1, "WEB": 1,
                                                                               "CHAT": 1}


def test_filters_as_query_parameters(org, november, api):
    r = api("mia").get("/reports", {"date": "2026-11-15", "channel": "TEL,MAIL", "priority": "A"})
    assert r.json()["total"] == 2
    assert r.json()["filters"] == {"channel": "TEL,MAIL", "priority": "A"}


def test_a_supervisor_gets_their_departments(org, november, api):
    assert api("sam").get("/reports", {"date": "2026-11-15"}).json()["total"] == 3


@pytest.mark.parametrize(("params", "field", "zh", "en"), [
    ({"period": "year"}, "period", "请从以下选项中选择", "Choose one of"),
    ({"date": "2026-11-31"}, "date", None, None),
    ({"channel": "FAX"}, "channel", None, "Select a valid choice"),
    ({"period": "custom", "date_from": "2026-11-10"}, "date_to", None, "Give the last day of a custom period."),
    ({"period": "custom", "date_from": "2026-11-10", "date_to": "2026-11-01"}, "date_to", "结束日期不能早于开始日期",
     "The end date is before the start date."),
    ({"owner": "nobody"}, "owner", None, "Select a valid choice"),
])
def test_bad_parameters_are_field_errors_in_the_callers_language(org, api, params, field, zh, en):
    for lang, expected in (("zh-hans", zh), ("en", en)):
        r = api("mia", lang).get("/reports", params)
        assert r.status_code == 422, r.content
        body = r.json()
        assert body["code"] == "invalid"
        assert list(body["errors"]) == [field]
        if expected:
            assert expected in body["errors"][field][0], body


def test_the_endpoint_is_documented(org, api):
    schema = api("mia").get("/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/reports"]["get"]["parameters"]}
    assert {"period", "date", "date_from", "date_to", "bucket", "channel", "priority", "problem_type", "region",
            "product", "department", "owner"} <= params
