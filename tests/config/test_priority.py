"""The priority matrix: rows in order, first match wins, and the page says so."""

from __future__ import annotations

from loopdesk.accounts.models import AuditLog
from loopdesk.classification.models import PriorityRule
from loopdesk.classification.priority import compute_priority
from tests.config.conftest import snapshot

FACTS = {"severity": "normal", "scope": "individual", "risk": "none", "customer_level": "vip"}


def test_the_page_explains_first_match_wins_and_the_fallback(org, admin):
    page = admin.get("/config/priority/").content.decode()
    assert "gets the priority of the first row" in page and "If no row matches, the priority is C." in page


def test_a_new_top_row_wins_for_its_complaints(org, admin):
    r = admin.post("/config/priority/new/", {"order": 0, "customer_level": "vip", "severity": "", "scope": "",
                                              "risk": "", "priority": "A"})
    assert r.status_code == 302
    assert compute_priority(**FACTS) == "A"
    assert AuditLog.objects.filter(action="config.priority_rule.create").exists()


def test_try_it_names_the_row_that_matches_first(org, admin):
    PriorityRule.objects.create(order=0, customer_level="vip", priority="A")
    r = admin.get("/config/priority/", FACTS)
    page = r.content.decode()
    assert "row 0 is the first that matches." in page and 'class="badge prio-A"' in page


def test_a_row_that_can_never_match_is_flagged(org, admin):
    PriorityRule.objects.create(order=0, priority="B")  # matches everything
    PriorityRule.objects.create(order=1, risk="high", priority="A")
    assert "Never used: row 0 above always matches first." in admin.get("/config/priority/").content.decode()


def test_bad_rows_are_refused_with_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/priority/new/", {"order": "", "severity": "extreme", "priority": "D"})
    assert r.status_code == 400
    for field in ("order", "severity", "priority"):
        assert f'id="id_{field}_error"' in r.content.decode(), field
    assert snapshot() == before
