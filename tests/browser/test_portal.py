"""The customer portal in a browser: submitting with a photo, and the errors a person sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopdesk.complaints.models import Complaint
from tests.api.support import PNG
from tests.browser.people import fill, new_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_customer_submits_a_complaint_with_a_photo(org, browser, site, shoot, tmp_path):
    photo = Path(tmp_path) / "充电座.png"
    photo.write_bytes(PNG)
    page = new_page(browser)
    page.goto(f"{site}/portal/")
    shoot(page, "10-portal-home")
    page.click("a.p-choice[href='/portal/new/']")
    fill(page, {"name": "李女士", "phone": "139 0000 1111", "region": "杭州", "order_no": "JD-20261120-88",
                "problem_type": "product_quality", "subject": "充电座收到就坏了",
                "description": "收到货第二天充电座就无法充电，指示灯不亮，换了插座也一样。",
                "core_demand": "更换一个新的充电座"})
    page.set_input_files('[name="files"]', str(photo))
    page.check('[name="consent"]')
    shoot(page, "11-portal-submit")
    with page.expect_navigation():
        page.click("form button.p-primary")
    number = page.inner_text("#complaint-number").strip()
    c = Complaint.objects.get(number=number)
    assert c.channel == "WEB" and c.attachments.count() == 1 and c.registered_by is None
    shoot(page, "12-portal-submitted")
    page.click("a.p-button")
    assert number in page.inner_text("main")


def test_a_customer_sees_what_to_correct(org, browser, site, shoot):
    page = new_page(browser, mobile=True)
    page.goto(f"{site}/portal/new/")
    fill(page, {"subject": "没有联系方式", "email": "not-an-email"})
    with page.expect_navigation():
        page.click("form button.p-primary")
    assert page.locator(".p-error").count() >= 3  # contact, description, consent
    assert not Complaint.objects.exists()
    shoot(page, "13-portal-submit-errors-mobile")
