"""Outgoing webhooks: signed JSON, a delivery log, retries, event filters — against a real local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from loopdesk.notifications import delivery
from loopdesk.notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from loopdesk.notifications.outbox import publish

pytestmark = pytest.mark.django_db


class Receiver:
    """A local endpoint that records what it receives and answers with `status`."""

    def __init__(self) -> None:
        self.status = 200
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def test_an_event_is_posted_as_signed_json_and_logged(receiver, register):
    endpoint = WebhookEndpoint.objects.create(name="CRM", url=receiver.url, secret="s3cret")
    c = register()
    delivery.drain()
    [(headers, body)] = [r for r in receiver.requests if json.loads(r[1])["event"] == "complaint.register"]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Loopdesk-Signature"] == expected
    assert headers["X-Loopdesk-Event"] == "complaint.register"
    payload = json.loads(body)
    assert payload["complaint"]["number"] == c.number
    assert payload["data"]["status"] == "new"
    log = WebhookDelivery.objects.get(endpoint=endpoint, message__event="complaint.register")
    assert (log.ok, log.status_code, log.attempt) == (True, 200, 1)


def test_a_failing_endpoint_is_retried_and_every_attempt_is_logged(receiver, org, clock):
    receiver.status = 500
    WebhookEndpoint.objects.create(name="CRM", url=receiver.url)
    publish("alert.high_risk", key="k1", params={"number": "X"})
    assert delivery.drain().retried == 1
    clock.shift(31)
    receiver.status = 204
    assert delivery.drain().sent == 1
    logs = list(WebhookDelivery.objects.order_by("id").values_list("attempt", "status_code", "ok"))
    assert logs == [(1, 500, False), (2, 204, True)]
    assert len(receiver.requests) == 2
    assert receiver.requests[0][0]["X-Loopdesk-Delivery"] == receiver.requests[1][0]["X-Loopdesk-Delivery"]


def test_an_unreachable_endpoint_is_a_retry_not_a_crash(org):
    WebhookEndpoint.objects.create(name="gone", url="http://127.0.0.1:9/nothing")
    publish("alert.high_risk", key="k1", params={"number": "X"})
    assert delivery.drain().retried == 1
    assert WebhookDelivery.objects.get().error


def test_an_endpoint_gets_only_the_events_it_asked_for(receiver, org):
    WebhookEndpoint.objects.create(name="escalations only", url=receiver.url, events=["complaint.escalate"])
    WebhookEndpoint.objects.create(name="off", url=receiver.url, active=False)
    publish("complaint.register", key="k1", params={"number": "X"})
    publish("complaint.escalate", key="k2", params={"number": "X"})
    assert list(OutboxMessage.objects.values_list("event", flat=True)) == ["complaint.escalate"]
