"""The whole closed loop in a real browser (SPEC §1–§7), and a handler kept out of another department.

Every step is driven through the browser: the agent registers a phone complaint on the staff intake
page, the handler accepts, starts and resolves it on the complaint page, the customer rates it
dissatisfied through the survey link in the portal, it reopens, is resolved again, rated satisfied,
verified and closed by the monitor, and archived.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from loopdesk.complaints import surveys
from loopdesk.complaints.models import Complaint, Satisfaction, Status
from tests.browser.people import act, fill, new_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def status(number: str) -> str:
    return Complaint.objects.get(number=number).status


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def rate(browser, site: str, number: str, score: int, shoot, shot: str) -> None:
    """The customer opens the survey link from their SMS or email and answers it."""
    token = surveys.current_token(Complaint.objects.get(number=number))
    assert token, "resolving should have issued a survey link"
    page = new_page(browser, mobile=True)
    page.goto(f"{site}/portal/survey/{token}")
    for dim in ("response_speed", "result", "attitude", "communication"):
        page.check(f'[name="{dim}"][value="{score}"]')
    page.fill('[name="comment"]', "充电座还是坏的，没人联系我" if score <= 2 else "这次解决得很好，谢谢")
    shoot(page, shot)
    with page.expect_navigation():
        page.click("form button.p-primary")
    assert page.url.endswith("/portal/survey/done/")
    shoot(page, shot + "-done")
    page.context.close()


def test_a_phone_complaint_goes_round_the_whole_loop(org, browser, site, shoot):
    # 1. The agent registers a phone complaint.
    amy = sign_in(browser, site, "amy")
    amy.goto(f"{site}/complaints/new")
    fill(amy, {"phone": "13812341234", "name": "张先生", "region": "上海", "subject": "快递一周未送达",
               "description": "10月28日购买的洗衣机，快递一周了还没送到，物流信息一直不更新。",
               "problem_type": "delivery_delay", "core_demand": "尽快送达", "channel_ref": "CALL-20261123-001"})
    shoot(amy, "01-staff-intake")
    with amy.expect_navigation():
        amy.click("#intake-form button.primary[type=submit]")
    m = re.search(r"/complaints/([^/?#]+)$", amy.url)
    assert m, amy.url
    number = m.group(1)
    c = Complaint.objects.get(number=number)
    assert (c.channel, c.registered_by, c.owner) == ("TEL", org.amy, org.hank)
    shoot(amy, "02-staff-complaint-registered")

    # 2. The handler accepts, starts and resolves it.
    hank = sign_in(browser, site, "hank")
    hank.goto(f"{site}/complaints/{number}")
    act(hank, "accept")
    assert status(number) == Status.ACCEPTED
    act(hank, "start")
    act(hank, "resolve", summary="已联系快递加急派送，客户今日签收。")
    assert status(number) == Status.RESOLVED
    shoot(hank, "03-staff-resolved")

    # 3. The customer follows it in the portal, then rates it 不满意: it reopens.
    customer = new_page(browser, mobile=True)
    customer.goto(f"{site}/portal/track/")
    fill(customer, {"number": number, "contact": "138 1234 1234"})
    with customer.expect_navigation():
        customer.click("form button.p-primary")
    assert customer.url.endswith(f"/portal/track/{number}/")
    assert zh(Status.RESOLVED.label) in customer.inner_text("main")
    shoot(customer, "04-portal-track-resolved")
    customer.context.close()

    rate(browser, site, number, 2, shoot, "05-portal-survey-dissatisfied")
    assert status(number) == Status.REOPENED
    assert Satisfaction.objects.get(complaint__number=number).dissatisfied

    # 4. Resolved again, and this time the customer is satisfied.
    hank.goto(f"{site}/complaints/{number}")
    act(hank, "accept")
    act(hank, "start")
    act(hank, "resolve", summary="已上门更换充电座并当面测试，客户确认可以正常使用。")
    assert status(number) == Status.RESOLVED
    rate(browser, site, number, 5, shoot, "06-portal-survey-satisfied")
    assert status(number) == Status.RESOLVED

    # 5. The monitor verifies and closes it, then archives it.
    monty = sign_in(browser, site, "monty")
    monty.goto(f"{site}/complaints/{number}")
    act(monty, "verify", really_resolved=True, promise_kept=True, process_compliant=True, outcome="pass",
        note="电话回访确认")
    assert status(number) == Status.CLOSED
    act(monty, "archive")
    assert status(number) == Status.ARCHIVED
    shoot(monty, "07-staff-archived")
    assert zh(Status.ARCHIVED.label) in monty.inner_text(".badges")

    c.refresh_from_db()
    assert c.reopen_count == 1 and c.is_repeat and c.closed_at and c.archived_at


def test_a_handler_cannot_open_another_departments_complaint(org, browser, site, shoot):
    from tests.api.support import register

    number = register(org).number  # logistics: hank's department, not holly's
    holly = sign_in(browser, site, "holly")
    response = holly.goto(f"{site}/complaints/{number}")
    assert response.status == 404
    assert "快递一周未送达" not in holly.content()
    shoot(holly, "08-staff-other-department-404")
    hank = sign_in(browser, site, "hank")
    assert hank.goto(f"{site}/complaints/{number}").status == 200
