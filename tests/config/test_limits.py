"""The small product settings: repeat window, approval threshold, survey validity."""

from __future__ import annotations

from decimal import Decimal

from loopdesk.accounts.models import AuditLog
from loopdesk.core import config
from tests.config.conftest import snapshot


def test_an_admin_changes_the_settings(org, admin):
    r = admin.post("/config/settings/", {"repeat_window_days": 14, "approval_threshold": "800",
                                         "survey_valid_days": 7, "archive_after_days": 0, "retention_years": 3})
    assert r.status_code == 302
    assert config.get("repeat.window_days") == 14 and config.get_decimal("solution.approval_threshold") == Decimal(800)
    log = AuditLog.objects.get(action="config.limits.update")
    assert log.detail == {"before": {"repeat_window_days": 30, "approval_threshold": "500.00"},
                          "after": {"repeat_window_days": 14, "approval_threshold": "800.00"}}


def test_out_of_range_values_are_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/settings/", {"repeat_window_days": 0, "approval_threshold": "-1",
                                         "survey_valid_days": "soon"})
    assert r.status_code == 400
    for field in ("repeat_window_days", "approval_threshold", "survey_valid_days"):
        assert f'id="id_{field}_error"' in r.content.decode(), field
    assert snapshot() == before
