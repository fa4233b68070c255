"""Who may see reports: supervisors (their departments), managers, monitors and admins; nobody else."""

from __future__ import annotations

import pytest

from tests.reports.conftest import ALLOWED, ROLES

pytestmark = pytest.mark.django_db

PAGES = ("/reports", "/reports/export.xlsx")


@pytest.mark.parametrize("username", ROLES)
def test_the_page_the_download_and_the_api_by_role(username, org, web, api):
    allowed = username in ALLOWED
    for path in PAGES:
        assert web(username).get(path).status_code == (200 if allowed else 403), path
    r = api(username).get("/reports")
    assert r.status_code == (200 if allowed else 403)
    if not allowed:
        assert r.json()["code"] == "forbidden"


@pytest.mark.parametrize("username", ROLES)
def test_the_nav_link_shows_only_to_those_allowed(username, org, web):
    html = web(username).get("/").content.decode()
    assert ('href="/reports"' in html) == (username in ALLOWED)


def test_anonymous_visitors_sign_in_first(org, api):
    from django.test import Client

    r = Client().get("/reports")
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert Client().get("/reports/export.xlsx").status_code == 302
    assert api(None).get("/reports").status_code == 401


def test_an_inactive_manager_is_refused(org, web):
    client = web("mia")
    org.mia.is_active = False
    org.mia.save(update_fields=["is_active"])
    assert client.get("/reports").status_code in (302, 403)
