"""Small helpers that act like a person in the browser: sign in, open a complaint, run an action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importable without playwright, so a machine without it can still skip cleanly
    from playwright.sync_api import Browser, Page

VIEWPORT = {"width": 1280, "height": 900}


def new_page(browser: Browser, *, locale: str = "zh-CN", mobile: bool = False) -> Page:
    ctx = browser.new_context(locale=locale, viewport={"width": 390, "height": 844} if mobile else VIEWPORT)
    ctx.set_default_timeout(15_000)
    return ctx.new_page()


def sign_in(browser: Browser, site: str, username: str) -> Page:
    page = new_page(browser)
    page.goto(f"{site}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-123")
    with page.expect_navigation():
        page.click("form button.primary")
    assert "/login/" not in page.url, f"{username} could not sign in"
    return page


def fill(page: Page, fields: dict[str, Any], prefix: str = "") -> None:
    """Fill named form fields the way their widget expects (text, select, radio, checkbox)."""
    for name, value in fields.items():
        full = f"{prefix}-{name}" if prefix else name
        el = page.locator(f'[name="{full}"]')
        kind = el.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            el.select_option(str(value))
        elif kind == "input:radio":
            page.check(f'[name="{full}"][value="{value}"]')
        elif kind == "input:checkbox":
            (el.check if value else el.uncheck)()
        else:
            el.fill(str(value))


def act(page: Page, action: str, **fields: Any) -> None:
    """Run a workflow action from the complaint page's action panel, as a person would."""
    panel = page.locator(f"#act-{action}")
    assert panel.count() == 1, f"the action {action!r} is not offered on {page.url}"
    if panel.evaluate("e => e.tagName") == "DETAILS" and not panel.evaluate("e => e.open"):
        panel.locator("summary").click()
    fill(page, fields, prefix=action)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
