"""The satisfaction survey through a signed single-use link (SPEC §5)."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from loopdesk.complaints import surveys
from loopdesk.complaints.models import Complaint, Satisfaction, Status
from tests.api.support import complaint_in
from tests.portal.conftest import human_stamp


def answer(score: int, **over) -> dict:
    data = {"response_speed": score, "result": score, "attitude": score, "communication": score,
            "comment": "", "homepage": "", "started": human_stamp()}
    data.update(over)
    return data


def test_a_satisfied_customer_rates_once(org, customer):
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    page = customer.get(f"/portal/survey/{token}")
    assert page.status_code == 200 and c.number in page.content.decode()
    r = customer.post(f"/portal/survey/{token}", answer(5, comment="很快就解决了"))
    assert r.status_code == 302 and r["Location"] == "/portal/survey/done/"
    assert "glad" in customer.get("/portal/survey/done/").content.decode()
    s = Satisfaction.objects.get()
    assert (s.source, s.result, s.comment, s.recorded_by) == ("survey", 5, "很快就解决了", None)
    assert Complaint.objects.get(pk=c.pk).status == Status.RESOLVED


def test_a_used_link_says_so_and_records_nothing_more(org, customer):
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    customer.post(f"/portal/survey/{token}", answer(4))
    again = customer.get(f"/portal/survey/{token}")
    assert again.status_code == 410 and "already been answered" in again.content.decode()
    r = Client().post(f"/portal/survey/{token}", answer(1))
    assert r.status_code == 410
    assert Satisfaction.objects.count() == 1


def test_a_dissatisfied_customer_reopens_the_complaint(org, customer):
    c = complaint_in(org, "resolved")
    r = customer.post(f"/portal/survey/{surveys.current_token(c)}", answer(2, comment="还是没修好"))
    assert r.status_code == 302
    assert "reopened" in customer.get("/portal/survey/done/").content.decode()
    c.refresh_from_db()
    assert c.status == Status.REOPENED and c.reopen_count == 1 and c.is_repeat


def test_an_expired_link_is_refused_clearly(org, customer):
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert "expired" in customer.get(f"/portal/survey/{token}").content.decode()
        r = customer.post(f"/portal/survey/{token}", answer(5))
    assert r.status_code == 410 and "expired" in r.content.decode()
    assert not Satisfaction.objects.exists()


def test_a_forged_link_is_not_valid(org, customer):
    complaint_in(org, "resolved")
    for token in ("abc", "eyJuIjoiZm9vIn0:1tZ:forged"):
        r = customer.get(f"/portal/survey/{token}/")
        assert r.status_code == 404 and "not valid" in r.content.decode()


def same_link(a: str, b: str) -> bool:
    """Same survey link: tokens are re-signed with the current second, so compare what they carry."""
    return signing.loads(a, salt=surveys._SALT) == signing.loads(b, salt=surveys._SALT)


def test_a_missing_score_is_a_field_error_and_the_link_stays_open(org, customer):
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    data = answer(5)
    del data["attitude"]
    r = customer.post(f"/portal/survey/{token}", data)
    assert r.status_code == 400 and 'id="id_attitude_error"' in r.content.decode()
    assert not Satisfaction.objects.exists()
    assert same_link(surveys.current_token(c), token)


def test_a_bot_answer_is_refused(org, customer):
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    assert customer.post(f"/portal/survey/{token}", answer(5, homepage="x")).status_code == 400
    assert customer.post(f"/portal/survey/{token}", answer(5, started=human_stamp(0))).status_code == 400
    assert not Satisfaction.objects.exists()


def test_it_limits_answers_per_address(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_SURVEY_PER_IP": 2}
    c = complaint_in(org, "resolved")
    token = surveys.current_token(c)
    for _ in range(2):
        customer.post(f"/portal/survey/{token}", answer(5, homepage="x"))
    assert customer.post(f"/portal/survey/{token}", answer(5)).status_code == 429
    assert not Satisfaction.objects.exists()


def test_the_tracking_page_offers_the_open_survey(org, customer):
    c = complaint_in(org, "resolved")
    customer.post("/portal/track/", {"number": c.number, "contact": "13812341234"})
    page = customer.get(f"/portal/track/{c.number}/").content.decode()
    shown = re.search(r"/portal/survey/([^\"/]+)", page).group(1)
    assert same_link(shown, surveys.current_token(c))
