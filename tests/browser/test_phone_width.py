"""Staff pages on a phone (390 px): nothing runs off the side, the menu opens, actions are reachable."""

from __future__ import annotations

import pytest

from tests.browser.people import new_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The page itself must never scroll sideways; wide tables scroll inside their own wrapper.
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_a_handler_works_a_complaint_on_a_phone(org, browser, site, shoot):
    from tests.api.support import register

    number = register(org).number
    page = new_page(browser, mobile=True)
    page.goto(f"{site}/login/")
    page.fill("#id_username", "hank")
    page.fill("#id_password", "pw-hank-123")
    with page.expect_navigation():
        page.click("form button.primary")
    for path, shot in (("/", "50-phone-home"), ("/complaints", "51-phone-list"),
                       (f"/complaints/{number}", "52-phone-complaint")):
        assert page.goto(f"{site}{path}").status == 200
        assert page.evaluate(OVERFLOW) <= 1, f"{path} scrolls sideways on a phone"
        shoot(page, shot)
    # The main menu collapses behind a button that opens it.
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible()
    toggle.click()
    assert page.locator("#mainnav a").first.is_visible()
    # The first action of the complaint is on the page and can be reached.
    assert page.locator(".actions").first.is_visible()
