"""The complaint number format: validated like the numbering code does, with a live example."""

from __future__ import annotations

from django.utils import timezone

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import numbering
from loopdesk.core import config
from tests.config.conftest import snapshot


def test_the_page_shows_the_current_format_with_an_example(org, admin):
    page = admin.get("/config/numbering/").content.decode()
    today = timezone.localtime().strftime("%Y%m%d")
    assert f"{today}-TEL-0001" in page and "{date:%Y%m%d}-{channel}-{seq:04d}" in page


def test_an_admin_switches_to_the_seed_format(org, admin):
    r = admin.post("/config/numbering/", {"format": "YS{date:%Y%m%d}{seq:03d}", "reset": "daily"})
    assert r.status_code == 302
    assert config.get("numbering.format") == "YS{date:%Y%m%d}{seq:03d}" and config.get("numbering.per_channel") is False
    assert numbering.next_number("WEB") == "YS" + timezone.localtime().strftime("%Y%m%d") + "001"
    log = AuditLog.objects.get(action="config.numbering.update")
    assert log.detail["before"]["format"] == "{date:%Y%m%d}-{channel}-{seq:04d}"
    assert log.detail["after"] == {"format": "YS{date:%Y%m%d}{seq:03d}", "per_channel": False}


def test_a_format_the_numbering_cannot_use_is_refused_with_its_reason(org, admin):
    before = snapshot()
    cases = [
        ({"format": "{date:%Y%m%d}-{channel}", "reset": "daily", "per_channel": "on"}, "must contain {seq}"),
        ({"format": "{seq:04d}", "reset": "daily"}, "must include the year"),
        ({"format": "{date:%Y}-{seq}", "reset": "monthly"}, "not precise enough"),
        ({"format": "{date:%Y%m%d}-{seq}", "reset": "daily", "per_channel": "on"}, "needs {channel}"),
        ({"format": "{date:%Y%m%d}-{customer}-{seq}", "reset": "daily"}, "Only {date}, {channel} and {seq}"),
        ({"format": "{date:%Y%m%d}-{seq}", "reset": "hourly"}, 'id="id_reset_error"'),
    ]
    for data, message in cases:
        r = admin.post("/config/numbering/", data)
        assert r.status_code == 400 and message in r.content.decode(), data
    assert snapshot() == before


def test_the_live_preview_shows_examples_or_the_errors(org, admin):
    ok = admin.post("/config/numbering/preview/", {"format": "{date:%Y%m}-{seq:04d}", "reset": "monthly"})
    assert timezone.localtime().strftime("%Y%m") + "-0027" in ok.content.decode()
    bad = admin.post("/config/numbering/preview/", {"format": "{date:%Y%m}", "reset": "monthly"})
    assert "must contain {seq}" in bad.content.decode()
    assert not AuditLog.objects.exists() and not config.get("numbering.format").startswith("{date:%Y%m}-")


def test_preview_without_javascript_does_not_save(org, admin):
    r = admin.post("/config/numbering/", {"format": "{date:%Y%m}-{seq:04d}", "reset": "monthly", "preview": "1"})
    assert r.status_code == 200 and "-0027" in r.content.decode()
    assert config.get("numbering.format") == "{date:%Y%m%d}-{channel}-{seq:04d}"


def test_saving_the_same_values_changes_nothing(org, admin):
    admin.post("/config/numbering/", {"format": "{date:%Y%m%d}-{channel}-{seq:04d}", "reset": "daily",
                                      "per_channel": "on"})
    assert not AuditLog.objects.exists()
