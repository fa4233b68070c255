"""Configuration pages in a browser: the live number example, and a non-admin turned away."""

from __future__ import annotations

import pytest
from django.utils import timezone

from loopdesk.core import config
from tests.browser.people import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_admin_changes_the_number_format_with_a_live_example(org, browser, site, shoot):
    ada = sign_in(browser, site, "ada")
    ada.click("#mainnav a[href='/config/']")
    shoot(ada, "20-config-index")
    ada.click("a[href='/config/numbering/']")
    ada.fill("#id_format", "YS{date:%Y%m%d}{seq:03d}")
    ada.uncheck("#id_per_channel")
    expected = "YS" + timezone.localtime().strftime("%Y%m%d") + "001"
    ada.locator("#number-preview", has_text=expected).wait_for()  # updated as the admin types (htmx)
    shoot(ada, "21-config-numbering-preview")
    with ada.expect_navigation():
        ada.click("#numbering-form button.primary")
    assert config.get("numbering.format") == "YS{date:%Y%m%d}{seq:03d}"
    ada.fill("#id_format", "{date:%Y%m%d}")
    ada.locator("#number-preview .field-error").first.wait_for()
    with ada.expect_navigation():
        ada.click("#numbering-form button.primary")
    assert ada.locator("#id_format_error").count() == 1
    shoot(ada, "22-config-numbering-error")


def test_the_main_configuration_pages_render(org, browser, site, shoot):
    ada = sign_in(browser, site, "ada")
    for path, name in [("/config/problem-types/", "23-config-problem-types"), ("/config/routing/", "24-config-routing"),
                       ("/config/priority/?severity=urgent&scope=individual&risk=high&customer_level=vip",
                        "25-config-priority-try"), ("/config/sla/", "26-config-sla"),
                       ("/config/calendar/", "27-config-calendar"), ("/config/users/", "28-config-users"),
                       ("/config/users/new/", "29-config-user-new"), ("/config/sla/new/", "30-config-sla-new")]:
        response = ada.goto(site + path)
        assert response.status == 200, path
        shoot(ada, name)


def test_a_non_admin_is_turned_away(org, browser, site, shoot):
    sam = sign_in(browser, site, "sam")
    assert sam.locator("#mainnav a[href='/config/']").count() == 0
    assert sam.goto(f"{site}/config/users/").status == 403
    shoot(sam, "31-config-forbidden")
