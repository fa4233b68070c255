"""Phone intake: the form, lookup as you type, suggestions, repeat/duplicate warnings, idempotency."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from loopdesk.complaints.models import Complaint, Customer
from tests.web.conftest import register


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form(**over) -> dict:
    data = {
        "phone": "13812345678", "name": "李女士", "member_no": "", "order_no": "DD20261120001", "email": "",
        "region": "北京", "level": "normal", "subject": "冰箱送货延误",
        "description": "下单十天了冰箱还没送到，物流一直不更新",
        "problem_type": "delivery_delay", "severity": "normal", "risk": "none", "core_demand": "三天内送达",
        "nature": "complaint", "scope": "individual", "facts": "", "product": "冰箱", "expected_resolution_at": "",
        "compensation_kind": "", "compensation_amount": "", "channel": "TEL", "channel_ref": "CALL-778",
        "received_at": local(timezone.now() - timedelta(minutes=5)), "idempotency_key": "k-1",
    }
    data.update(over)
    return data


def test_the_form_starts_on_the_phone_field_with_phone_defaults(browser):
    html = browser("amy").get("/complaints/new").content.decode()
    assert re.search(r'<input[^>]*name="phone"[^>]*autofocus', html)
    assert re.search(r'<option value="TEL" selected>', html)
    assert re.search(r'name="received_at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', html)
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)
    # Every visible input has a label.
    ids = set(re.findall(r'<input(?![^>]*type="hidden")[^>]*id="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    assert ids - {"sv-name"} <= labelled


def test_it_registers_and_shows_the_routing_and_deadlines(browser):
    r = browser("amy").post("/complaints/new", form())
    c = Complaint.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/complaints/{c.number}"
    assert c.channel == "TEL" and c.order_no == "DD20261120001" and c.customer.phone == "13812345678"
    page = browser("amy").get(r["Location"]).content.decode()
    assert "Logistics coordination" in page and "Hank" in page  # where routing sent it
    assert "routed to" in page  # the confirmation message
    assert 'id="deadlines"' in page and "First response" in page


def test_received_at_defaults_to_now(browser):
    browser("amy").post("/complaints/new", form(received_at=""))
    c = Complaint.objects.get()
    assert abs((c.received_at - timezone.now()).total_seconds()) < 60


def test_a_double_submit_creates_one_complaint(browser):
    first = browser("amy").post("/complaints/new", form())
    second = browser("amy").post("/complaints/new", form())
    assert Complaint.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_missing_fields_get_field_errors_and_nothing_is_saved(browser):
    r = browser("amy").post("/complaints/new", form(subject="", description=""))
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="id_subject_error"' in html and 'id="id_description_error"' in html
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0


def test_a_caller_without_contact_data_must_be_marked_anonymous(browser):
    r = browser("amy").post("/complaints/new", form(phone="", order_no=""))
    assert r.status_code == 400
    assert "Give a phone, email or member number" in r.content.decode()
    assert Complaint.objects.count() == 0
    ok = browser("amy").post("/complaints/new", form(phone="", anonymous="on", idempotency_key="k-2"))
    assert ok.status_code == 302 and Complaint.objects.get().customer.anonymous


def test_a_received_time_in_the_future_is_refused(browser):
    r = browser("amy").post("/complaints/new", form(received_at=local(timezone.now() + timedelta(days=1))))
    assert r.status_code == 400 and "cannot be in the future" in r.content.decode()
    assert Complaint.objects.count() == 0


def test_a_repeat_is_shown_before_saving_and_needs_acknowledging(org, browser):
    earlier = register(org, phone="13812345678", problem_type="delivery_delay", subject="洗衣机没送到",
                       received_at=timezone.now() - timedelta(days=2))
    r = browser("amy").post("/complaints/new", form())
    assert r.status_code == 409
    html = r.content.decode()
    assert "Repeat complaint:" in html and earlier.number in html
    assert Complaint.objects.count() == 1
    r = browser("amy").post("/complaints/new", form(acknowledge="on"))
    assert r.status_code == 302
    new = Complaint.objects.exclude(pk=earlier.pk).get()
    assert new.is_repeat and new.repeat_of_id == earlier.pk


def test_a_likely_duplicate_is_shown_before_saving(org, browser):
    earlier = register(org, phone="13812345678", problem_type="rude", subject="冰箱送货延误",
                       received_at=timezone.now() - timedelta(days=1))
    r = browser("amy").post("/complaints/new", form(problem_type="wrong_item"))
    assert r.status_code == 409
    assert "Possible duplicate:" in r.content.decode() and earlier.number in r.content.decode()
    assert Complaint.objects.count() == 1


def test_the_lookup_finds_customers_by_phone_with_masked_contact_and_recent_complaints(org, browser):
    c = register(org, phone="13812345678", customer_name="王先生")
    r = browser("amy").get("/complaints/new/customers", {"phone": "138123"})
    html = r.content.decode()
    assert r.status_code == 200 and "王先生" in html and "138****5678" in html and c.number in html
    assert "13812345678" not in html


def test_the_lookup_finds_customers_by_order_and_member_number(org, browser):
    register(org, phone="13811112222", customer_name="赵女士", order_no="DD-778899")
    assert "赵女士" in browser("amy").get("/complaints/new/customers", {"order_no": "DD-778899"}).content.decode()
    assert "赵女士" not in browser("amy").get("/complaints/new/customers", {"phone": "139"}).content.decode()


def test_a_customer_picked_from_the_lookup_is_used_without_retyping_contact(org, browser):
    earlier = register(org, phone="13877778888", customer_name="钱先生", problem_type="rude", subject="服务差")
    r = browser("amy").post("/complaints/new", form(phone="", name="", order_no="", customer_id=earlier.customer_id))
    assert r.status_code == 302
    new = Complaint.objects.exclude(pk=earlier.pk).get()
    assert new.customer_id == earlier.customer_id


def test_suggestions_come_from_the_customers_words(browser):
    r = browser("amy").get("/complaints/new/suggest", {"subject": "快递没收到",
                                                          "description": "再不处理我就去12315投诉"})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-apply-field="id_risk" data-apply-value="high"' in html
    assert 'data-apply-value="delivery_delay"' in html


def test_the_live_check_warns_of_a_repeat(org, browser):
    earlier = register(org, phone="13812345678", problem_type="delivery_delay")
    r = browser("amy").get("/complaints/new/checks", {"phone": "13812345678", "problem_type": "delivery_delay",
                                                        "subject": "别的事"})
    assert earlier.number in r.content.decode() and 'name="acknowledge"' in r.content.decode()
    quiet = browser("amy").get("/complaints/new/checks", {"phone": "13800000000", "problem_type": "delivery_delay"})
    assert quiet.content.decode().strip() == ""


def test_the_form_page_costs_a_few_queries(browser, django_assert_max_num_queries):
    b = browser("amy")
    b.get("/")
    with django_assert_max_num_queries(6):
        assert b.get("/complaints/new").status_code == 200
