"""Following a complaint: number + the contact it was registered with, nothing else, nothing more."""

from __future__ import annotations

import re

from django.test import Client

from loopdesk.complaints import actions
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Channel
from tests.api.support import register


def _track(client: Client, number: str, contact: str, **extra):
    return client.post("/portal/track/", {"number": number, "contact": contact, "homepage": "", **extra})


def _page(r) -> str:
    # Without the per-response CSRF token, two refusals can be compared byte for byte.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())


def test_number_and_phone_open_the_complaint(org, customer):
    c = register(org)
    r = _track(customer, c.number, "138-1234-1234")
    assert r.status_code == 302 and r["Location"] == f"/portal/track/{c.number}/"
    page = customer.get(r["Location"]).content.decode()
    assert c.number in page and "快递一周未送达" in page and "New" in page


def test_the_number_is_case_insensitive_and_email_works_too(org, customer):
    data = IntakeInput(channel=Channel.EMAIL, subject="发票开错", description="发票抬头错误，请重开",
                       customer=CustomerInput(name="张先生", email="Zhang@Example.com"))
    c = register_complaint(data, actor=org.amy).complaint
    r = _track(customer, c.number.lower(), "zhang@example.COM")
    assert r.status_code == 302


def test_a_wrong_contact_and_an_unknown_number_look_the_same(org, customer):
    c = register(org)
    wrong_contact = _track(customer, c.number, "13900000000")
    unknown_number = _track(customer, "20990101-TEL-9999", "13900000000")
    assert wrong_contact.status_code == unknown_number.status_code == 400
    assert "We could not find a complaint with this number and contact." in wrong_contact.content.decode()
    assert _page(wrong_contact).replace(c.number, "N") == _page(unknown_number).replace("20990101-TEL-9999", "N")


def test_the_page_needs_proof_first_and_says_nothing_about_existence(org, customer):
    c = register(org)
    known = customer.get(f"/portal/track/{c.number}/")
    unknown = customer.get("/portal/track/20990101-TEL-9999/")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"].startswith("/portal/track/?number=")
    assert Client().get(f"/portal/track/{c.number}/").status_code == 302


def test_an_anonymous_customer_cannot_be_found(org, customer):
    data = IntakeInput(channel=Channel.PHONE, subject="匿名反馈", description="不想留下联系方式",
                       customer=CustomerInput(anonymous=True))
    c = register_complaint(data, actor=org.amy).complaint
    assert _track(customer, c.number, "").status_code == 400
    assert _track(customer, c.number, "00000").status_code == 400


def test_the_customer_sees_only_what_is_meant_for_them(org, customer):
    c = register(org)
    n = c.number
    actions.accept(n, actor=org.hank)
    actions.start(n, actor=org.hank)
    actions.add_note(n, actor=org.hank, text="内部：仓库王经理说是打包问题，先别告诉客户")
    actions.add_note(n, actor=org.hank, text="已联系快递公司加急派送", customer_visible=True)
    actions.log_communication(n, actor=org.amy, channel="phone", direction="out", summary="电话告知客户预计明天送达")
    actions.log_communication(n, actor=org.amy, channel="phone", direction="out", summary="内部电话记录不给客户看",
                              customer_visible=False)
    _track(customer, n, "13812341234")
    page = customer.get(f"/portal/track/{n}/").content.decode()
    assert "已联系快递公司加急派送" in page and "电话告知客户预计明天送达" in page
    assert "仓库王经理" not in page and "内部电话记录不给客户看" not in page
    # Staff appear by role, never by name.
    assert "Handler" in page and "Frontline agent" in page
    for name in ("Hank", "Amy", "hank", "amy"):
        assert f">{name}<" not in page and f" {name} " not in page
    assert "In progress" in page


def test_it_stops_guessing_on_one_number(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_TRACK_FAILS_PER_NUMBER": 3}
    c = register(org)
    for guess in ("13800000001", "13800000002", "13800000003"):
        assert _track(customer, c.number, guess).status_code == 400
    # Now even the right contact, from anywhere, waits: the number is locked for a while.
    r = _track(Client(REMOTE_ADDR="10.1.1.1"), c.number, "13812341234")
    assert r.status_code == 429


def test_it_limits_look_ups_per_address(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_TRACK_PER_IP": 3}
    c = register(org)
    for i in range(3):
        _track(customer, f"20990101-TEL-{i:04d}", "13812341234")
    assert _track(customer, c.number, "13812341234").status_code == 429
    assert _track(Client(REMOTE_ADDR="10.1.1.2"), c.number, "13812341234").status_code == 302


def test_a_filled_honeypot_finds_nothing(org, customer):
    c = register(org)
    r = _track(customer, c.number, "13812341234", homepage="x")
    assert r.status_code == 400


def test_the_track_form_needs_its_csrf_token(org):
    c = register(org)
    assert _track(Client(enforce_csrf_checks=True), c.number, "13812341234").status_code == 403


def test_the_complaint_page_costs_the_same_however_long_its_history(org, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = register(org)
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    _track(customer, c.number, "13812341234")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert customer.get(f"/portal/track/{c.number}/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(5):
        actions.add_note(c.number, actor=org.hank, text=f"第{i}次进展：已联系快递", customer_visible=True)
        actions.log_communication(c.number, actor=org.amy, channel="phone", direction="out", summary=f"第{i}次回电")
    assert count() == few
