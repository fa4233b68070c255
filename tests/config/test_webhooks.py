"""Webhook endpoints: where complaint events go, with a signing secret and a delivery log."""

from __future__ import annotations

import pytest
from django.apps import apps

from loopdesk.accounts.models import AuditLog

pytestmark = pytest.mark.skipif(not apps.is_installed("loopdesk.notifications"),
                                reason="the notifications app is not installed")


def form(**over) -> dict:
    data = {"name": "ERP", "url": "https://erp.example.com/hooks/loopdesk", "events": "complaint.registered, "
            "complaint.escalated", "active": "on"}
    data.update(over)
    return data


def test_an_admin_adds_an_endpoint_and_sees_its_secret(org, admin):
    from loopdesk.notifications.models import WebhookEndpoint

    assert admin.post("/config/webhooks/new/", form()).status_code == 302
    hook = WebhookEndpoint.objects.get()
    assert hook.events == ["complaint.escalated", "complaint.registered"] and len(hook.secret) == 64
    assert hook.secret in admin.get(f"/config/webhooks/{hook.pk}/").content.decode()
    log = AuditLog.objects.get(action="config.webhook.create")
    assert hook.secret not in str(log.detail)


def test_a_new_secret_is_generated_on_request_and_audited(org, admin):
    from loopdesk.notifications.models import WebhookEndpoint

    admin.post("/config/webhooks/new/", form())
    hook = WebhookEndpoint.objects.get()
    old = hook.secret
    admin.post(f"/config/webhooks/{hook.pk}/", form(new_secret="on"))
    hook.refresh_from_db()
    assert hook.secret != old
    assert AuditLog.objects.filter(action="config.webhook.secret").exists()


def test_bad_urls_and_event_names_are_field_errors(org, admin):
    from loopdesk.notifications.models import WebhookEndpoint

    r = admin.post("/config/webhooks/new/", form(url="not a url", events="complaint.registered; DROP TABLE"))
    assert r.status_code == 400
    assert 'id="id_url_error"' in r.content.decode() and 'id="id_events_error"' in r.content.decode()
    assert not WebhookEndpoint.objects.exists() and not AuditLog.objects.exists()
