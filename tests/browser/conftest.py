"""Browser tests: Playwright driving the system's Chromium against pytest-django's live server.

They need /usr/bin/chromium (Debian package `chromium`) and the `playwright` package; without either
they are skipped with the reason printed at the end of the run. `playwright install` is never
needed: the system browser is launched directly. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to arrange
# and check data are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("LOOPDESK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent


def why_not() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (install the Debian package: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


_SKIP = why_not()


def pytest_collection_modifyitems(config, items):
    if _SKIP is None:
        return
    marker = pytest.mark.skip(reason=f"browser tests skipped: {_SKIP}")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _SKIP is not None:
        terminalreporter.write_line(f"NOTE: browser tests skipped: {_SKIP}", yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The org fixture hashes seven passwords; production-strength hashing would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after():
    # A request with Accept-Language: en leaves English active in this thread; later tests expect the default.
    yield
    translation.deactivate()


@pytest.fixture
def browser(transactional_db, site):
    """A fresh Chromium per test, started only after the test database is set up.

    Playwright's sync API runs the test in a greenlet with its own context variables, so Django hands
    out different connection objects while it runs. The database setup and teardown (which restore
    the migrated data between these transactional tests) must use the original ones: so the
    browser starts after the setup, and the connections opened meanwhile are closed before it stops.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
            connections.close_all()


@pytest.fixture
def shoot():
    """shoot(page, "name") saves test-artifacts/screenshots/name.png (the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a MEDIA_URL: Django's test server wraps a media-file
    handler that cannot start without one, while Loopdesk deliberately serves no uploads by URL."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/__no-media__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture
def site(live_server, settings):
    """The live server's address; portal forms accept instant answers (a script types fast)."""
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_MIN_FILL_SECONDS": 0}
    return live_server.url
