"""Outgoing webhooks: JSON POST signed with HMAC-SHA256, every attempt logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from loopdesk.notifications import conf
from loopdesk.notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint

TRANSACTIONAL = False
SIGNATURE_HEADER = "X-Loopdesk-Signature"


class DeliveryFailed(Exception):
    pass


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_for(message: OutboxMessage) -> bytes:
    complaint = message.complaint
    payload = {
        "id": message.dedupe_key,
        "event": message.event,
        "created_at": message.created_at,
        "complaint": None if complaint is None else {
            "number": complaint.number, "status": complaint.status, "priority": complaint.priority,
            "escalation_level": complaint.escalation_level,
        },
        "data": message.params,
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()


def deliver(message: OutboxMessage) -> None:
    endpoint: WebhookEndpoint = message.endpoint
    if not endpoint.url.startswith(("http://", "https://")):
        raise DeliveryFailed(f"unsupported URL scheme: {endpoint.url}")
    body = body_for(message)
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={  # noqa: S310 (scheme checked)
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Loopdesk-Webhook/1",
        SIGNATURE_HEADER: sign(endpoint.secret, body),
        "X-Loopdesk-Event": message.event,
        # Receivers de-duplicate on this: a message may arrive more than once, never differently.
        "X-Loopdesk-Delivery": message.dedupe_key,
    })
    log = WebhookDelivery(endpoint=endpoint, message=message, attempt=message.attempts, at=timezone.now())
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=conf.webhook_timeout_seconds()) as response:  # noqa: S310
            log.status_code = response.status
            log.response_excerpt = response.read(500).decode("utf-8", "replace")
            log.ok = 200 <= response.status < 300
    except urllib.error.HTTPError as exc:
        log.status_code, log.error = exc.code, str(exc)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.error = str(exc)
    log.duration_ms = int((time.monotonic() - started) * 1000)
    log.save()
    if not log.ok:
        raise DeliveryFailed(log.error or f"HTTP {log.status_code}")
