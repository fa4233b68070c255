"""Signing in to the API: personal tokens, the password rate limit, revocation, and the web session
with CSRF protection (SPEC §8)."""

from __future__ import annotations

import json

from django.test import Client
from django.utils import timezone

from loopdesk.accounts.models import ApiToken, AuditLog
from loopdesk.complaints.models import Complaint
from tests.conftest import complaint_payload


def _token(client: Client, username: str, password: str, lang: str = "en"):
    return client.post("/api/v1/auth/token", json.dumps({"username": username, "password": password, "name": "cli"}),
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def _me(token: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def _payload() -> dict:
    p = complaint_payload()
    p.pop("received_at")
    return p


def test_a_password_buys_a_token_that_is_stored_only_as_a_hash(org):
    r = _token(Client(), "amy", "pw-amy-123")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["user"]["username"] == "amy" and body["role"] == "agent" and body["name"] == "cli"
    raw = body["token"]
    row = ApiToken.objects.get(user=org.amy)
    assert raw not in (row.digest, row.prefix) and len(row.digest) == 64
    me = _me(raw)
    assert me.status_code == 200 and me.json()["username"] == "amy"
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_wrong_password_is_a_field_error_and_is_audited(org):
    r = _token(Client(), "amy", "wrong-password")
    assert r.status_code == 422
    assert r.json()["errors"]["password"] == ["Wrong username or password."]
    assert AuditLog.objects.filter(action="login_failed", target="amy").count() == 1
    assert not ApiToken.objects.exists()


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(org):
    unknown = _token(Client(), "nobody", "whatever")
    wrong = _token(Client(), "amy", "whatever")
    assert unknown.status_code == wrong.status_code == 422
    assert unknown.json() == wrong.json()


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(org):
    client = Client()
    for _ in range(5):
        assert _token(client, "amy", "guess").status_code == 422
    r = _token(client, "amy", "pw-amy-123")
    assert r.status_code == 403
    assert "Too many failed sign-in attempts" in r.json()["detail"]
    assert not ApiToken.objects.exists()
    # Another person in the same office is not locked out by amy's failures.
    assert _token(client, "hank", "pw-hank-123").status_code == 201


def test_the_lock_is_per_username_whatever_its_case(org):
    client = Client()
    for name in ("amy", "AMY", "Amy", "amy", "aMy"):
        _token(client, name, "guess")
    assert _token(client, "amy", "pw-amy-123").status_code == 403


def test_a_successful_sign_in_clears_the_earlier_failures(org):
    client = Client()
    for _ in range(4):
        _token(client, "amy", "guess")
    assert _token(client, "amy", "pw-amy-123").status_code == 201
    for _ in range(4):
        _token(client, "amy", "guess")
    assert _token(client, "amy", "pw-amy-123").status_code == 201


def test_a_revoked_token_no_longer_works(org):
    raw = _token(Client(), "amy", "pw-amy-123").json()["token"]
    assert _me(raw).status_code == 200
    ApiToken.objects.filter(user=org.amy).update(revoked_at=timezone.now())
    r = _me(raw)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_the_token_of_a_deactivated_user_no_longer_works(org):
    raw = _token(Client(), "amy", "pw-amy-123").json()["token"]
    org.amy.is_active = False
    org.amy.save()
    assert _me(raw).status_code == 401


def test_an_inactive_user_cannot_get_a_token(org):
    org.hank.is_active = False
    org.hank.save()
    assert _token(Client(), "hank", "pw-hank-123").status_code == 422


def test_missing_or_malformed_credentials_are_unauthenticated(org):
    for header in ("", "Bearer", "Bearer ", "Bearer not-a-token", "Token ld_abc", "Basic YW15OnB3"):
        kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
        r = Client().get("/api/v1/me", **kwargs)
        assert r.status_code == 401, header
        assert r.json()["code"] == "unauthenticated"


def test_the_web_session_works_for_reading(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.amy)
    r = client.get("/api/v1/me")
    assert r.status_code == 200 and r.json()["username"] == "amy"


def test_a_session_post_without_the_csrf_token_is_refused_and_saves_nothing(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.amy)
    r = client.post("/api/v1/complaints", json.dumps(_payload()), content_type="application/json")
    assert r.status_code == 403
    assert not Complaint.objects.exists()


def test_a_session_post_with_the_csrf_token_works(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.amy)
    client.get("/api/v1/docs")  # any page that renders a CSRF token sets the cookie
    token = client.cookies["csrftoken"].value
    r = client.post("/api/v1/complaints", json.dumps(_payload()), content_type="application/json",
                    HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content
    bad = client.post("/api/v1/complaints", json.dumps(_payload()), content_type="application/json",
                      HTTP_X_CSRFTOKEN="x" * 32)
    assert bad.status_code == 403


def test_a_bearer_token_needs_no_csrf_token(org, api):
    client = api("amy")
    client.client = Client(enforce_csrf_checks=True)
    assert client.post("/complaints", _payload()).status_code == 201


def test_the_session_of_a_deactivated_user_is_not_accepted(org):
    client = Client()
    client.force_login(org.amy)
    org.amy.is_active = False
    org.amy.save()
    assert client.get("/api/v1/me").status_code == 401
