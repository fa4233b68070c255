"""Monitoring rules on the configuration pages: the burst rule, scan timing and the duplicate check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.accounts.models import AuditLog
from loopdesk.core import config
from loopdesk.core.models import Setting
from loopdesk.monitoring import burst, checks, conf
from tests.config.conftest import snapshot

URL = "/config/monitoring/"
GOOD = {"burst_window_hours": 12, "burst_history_windows": 14, "burst_k": "2.5", "burst_min_count": 8,
        "burst_scan_minutes": 5, "checks_scan_hour": 3, "duplicate_window_hours": 48, "duplicate_similarity": 75}


def test_the_page_shows_the_rule_in_effect(org, admin):
    html = admin.get(URL).content.decode()
    for field, value in [("burst_window_hours", 24), ("burst_history_windows", 28), ("burst_k", "3.0"),
                         ("burst_min_count", 5), ("burst_scan_minutes", 15), ("checks_scan_hour", 2),
                         ("duplicate_window_hours", 72), ("duplicate_similarity", 60)]:
        assert f'name="{field}" value="{value}"' in html, field
    assert "at least 5 complaints in 24 hours" in html and "after 02:00" in html


def test_an_admin_changes_the_rules_and_the_monitoring_code_uses_them(org, admin, settings):
    settings.LOOPDESK_BURST_SCAN_SECONDS = 900
    settings.LOOPDESK_DATA_CHECK_HOUR = 2
    r = admin.post(URL, GOOD)
    assert r.status_code == 302 and r["Location"] == URL
    rule = burst.Rule.from_config()
    assert (rule.window, rule.history, rule.k, rule.min_count) == (timedelta(hours=12), 14, 2.5, 8)
    assert (conf.burst_scan_seconds(), conf.data_check_hour()) == (300, 3)  # the page wins over the deployment
    assert checks._duplicate_window() == timedelta(hours=48)
    assert config.get("checks.duplicate_similarity") == 0.75
    log = AuditLog.objects.get(action="config.monitoring.update")
    assert log.actor == org.ada and log.target == "setting:monitoring"
    assert log.detail["before"]["burst_k"] == 3.0 and log.detail["after"]["burst_k"] == 2.5
    assert log.detail["after"]["duplicate_similarity"] == 75
    # Saving the same values again changes nothing and writes no audit row.
    r = admin.post(URL, GOOD, follow=True)
    assert "Nothing changed." in r.content.decode()
    assert AuditLog.objects.filter(action="config.monitoring.update").count() == 1


def test_only_what_changed_is_stored(org, admin):
    before = {**GOOD, "burst_window_hours": 24, "burst_history_windows": 28, "burst_k": "3.0", "burst_min_count": 5,
              "burst_scan_minutes": 15, "checks_scan_hour": 2, "duplicate_window_hours": 72,
              "duplicate_similarity": 60}
    assert admin.post(URL, {**before, "burst_min_count": 6}).status_code == 302
    assert list(Setting.objects.values_list("key", "value")) == [("burst.min_count", 6)]
    assert AuditLog.objects.get(action="config.monitoring.update").detail == {
        "before": {"burst_min_count": 5}, "after": {"burst_min_count": 6}}


@pytest.mark.parametrize(("field", "value"), [
    ("burst_window_hours", 0), ("burst_window_hours", -24), ("burst_history_windows", 3),
    ("burst_k", "0"), ("burst_k", "-1"), ("burst_k", "many"), ("burst_min_count", 0), ("burst_min_count", -5),
    ("burst_scan_minutes", 0), ("checks_scan_hour", 24), ("checks_scan_hour", -1),
    ("duplicate_window_hours", 0), ("duplicate_similarity", 0), ("duplicate_similarity", 101),
    ("burst_min_count", ""),
])
def test_bad_values_are_refused_field_by_field_and_nothing_is_saved(org, admin, field, value):
    before = snapshot()
    r = admin.post(URL, {**GOOD, field: value})
    assert r.status_code == 400
    html = r.content.decode()
    assert f'id="id_{field}_error"' in html
    assert html.count('class="field-error"') == 1
    assert "Nothing was saved." in html
    assert snapshot() == before


def test_a_history_longer_than_a_year_is_refused(org, admin):
    before = snapshot()
    r = admin.post(URL, {**GOOD, "burst_window_hours": 168, "burst_history_windows": 60})
    assert r.status_code == 400 and 'id="id_burst_history_windows_error"' in r.content.decode()
    assert "at most 51 windows" in r.content.decode()
    assert snapshot() == before


def test_errors_speak_the_admins_language(org, as_user):
    r = as_user("ada", lang="zh-hans").post(URL, {**GOOD, "burst_window_hours": 0, "burst_history_windows": 3})
    html = r.content.decode()
    assert r.status_code == 400
    assert "确保该值大于或等于1" in html.replace(" ", "")
    assert "监控规则" in html  # the page title, translated


def test_the_configuration_home_links_to_it(org, admin):
    assert f'href="{URL}"' in admin.get("/config/").content.decode()


def test_without_a_setting_the_deployment_decides_the_timing(org, settings):
    settings.LOOPDESK_BURST_SCAN_SECONDS = 120
    settings.LOOPDESK_DATA_CHECK_HOUR = 5
    assert (conf.burst_scan_seconds(), conf.data_check_hour()) == (120, 5)
    config.put("checks.scan_hour", 0)
    assert conf.data_check_hour() == 0
