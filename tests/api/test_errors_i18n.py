"""Errors come back in the caller's language (Accept-Language), with the same field paths in each.

The Chinese catalogue is being written by another engineer; until it is compiled, the zh-Hans
checks are expected failures (non-strict: some messages already come from Django's own catalogue).
"""

from __future__ import annotations

import re

import pytest

from tests.api.support import complaint_in
from tests.conftest import complaint_payload

CJK = re.compile(r"[\u3400-\u9fff]")
MISSING_NUMBER = "20991231-TEL-9999"


def _without(d: dict, key: str) -> dict:
    return {k: v for k, v in d.items() if k != key}


def _field(r, name):
    return r.json()["errors"][name][0]


def _detail(r):
    return r.json()["detail"]


# name → (request(api, org, lang) → response, pick(response) → message, expected status, English message)
CASES = {
    "missing field": (
        lambda api, org, lang: api("amy", lang).post("/complaints", _without(complaint_payload(), "subject")),
        lambda r: _field(r, "subject"), 422, "This field is required."),
    "text too long": (
        lambda api, org, lang: api("amy", lang).post("/complaints", complaint_payload(subject="长" * 201)),
        lambda r: _field(r, "subject"), 422, "Use at most 200 characters."),
    "unknown choice": (
        lambda api, org, lang: api("amy", lang).post("/complaints", complaint_payload(channel="FAX")),
        lambda r: _field(r, "channel"), 422, "Choose one of: 'TEL', 'CHAT', 'MAIL', 'WEB', 'SOC', 'PLAT' or 'API'."),
    "time without zone": (
        lambda api, org, lang: api("amy", lang).post("/complaints",
                                                     complaint_payload(received_at="2026-11-23T09:00:00")),
        lambda r: _field(r, "received_at"), 422,
        "Enter a date and time with its time zone, e.g. 2026-11-23T09:30:00+08:00."),
    "bad email": (
        lambda api, org, lang: api("amy", lang).post("/complaints", complaint_payload(
            customer={"name": "李女士", "email": "li@"})),
        lambda r: _field(r, "customer.email"), 422, "Enter a valid email address."),
    "domain rule": (
        lambda api, org, lang: api("amy", lang).post("/complaints", complaint_payload(customer={"name": "李女士"})),
        lambda r: _field(r, "customer"), 422,
        "Give a phone, email or member number, or mark the customer anonymous."),
    "summary of field errors": (
        lambda api, org, lang: api("amy", lang).post("/complaints", {}),
        _detail, 422, "Some fields are not valid."),
    "malformed JSON": (
        lambda api, org, lang: api("amy", lang).post("/complaints", raw="{oops"),
        lambda r: _field(r, "body"), 400, "The request body is not valid JSON."),
    "not found": (
        lambda api, org, lang: api("amy", lang).get(f"/complaints/{MISSING_NUMBER}"),
        _detail, 404, f"Complaint {MISSING_NUMBER} not found."),
    "not signed in": (
        lambda api, org, lang: api(None, lang).get("/complaints"),
        _detail, 401, "Sign in or send a valid API token."),
    "role may not": (
        lambda api, org, lang: api("monty", lang).post(f"/complaints/{complaint_in(org, 'new').number}/accept"),
        _detail, 403, "You may not accept this complaint."),
    "status forbids": (
        lambda api, org, lang: api("ada", lang).post(f"/complaints/{complaint_in(org, 'new').number}/start"),
        _detail, 409, "Cannot start handling a complaint that is New."),
    "note too vague": (
        lambda api, org, lang: api("ada", lang).post(f"/complaints/{complaint_in(org, 'new').number}/notes",
                                                     {"text": "处理中"}),
        lambda r: _field(r, "text"), 422, "Say concretely what was done (at least 10 characters)."),
    "file type": (
        lambda api, org, lang: api("ada", lang).upload(f"/complaints/{complaint_in(org, 'new').number}/attachments",
                                                       "photo.jpg", b"just some text, not a photo"),
        lambda r: _field(r, "file"), 422, "This type of file is not accepted. Upload photos, video, audio or PDF."),
    "wrong password": (
        lambda api, org, lang: api(None, lang).post("/auth/token", {"username": "amy", "password": "nope"}),
        lambda r: _field(r, "password"), 422, "Wrong username or password."),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_is_explained_in_english_to_an_english_caller(case, api, org):
    request, pick, status, english = CASES[case]
    r = request(api, org, "en")
    assert r.status_code == status, r.content
    assert pick(r) == english
    assert r.json()["code"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_field_paths_and_codes_do_not_depend_on_the_language(case, api, org):
    request, _pick, status, _english = CASES[case]
    en, zh = request(api, org, "en"), request(api, org, "zh-Hans")
    assert en.status_code == zh.status_code == status
    assert en.json()["code"] == zh.json()["code"]
    assert set(en.json().get("errors", {})) == set(zh.json().get("errors", {}))


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_is_explained_in_chinese_to_a_chinese_caller(case, api, org):
    request, pick, status, english = CASES[case]
    r = request(api, org, "zh-Hans")
    assert r.status_code == status
    message = pick(r)
    assert CJK.search(message), message
    assert message != english


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9,en;q=0.8", "zh", ""])
def test_a_browser_asking_for_chinese_or_for_nothing_gets_chinese(header, api, org):
    r = api("amy", header).get(f"/complaints/{MISSING_NUMBER}")
    assert r.status_code == 404
    assert CJK.search(r.json()["detail"]), r.json()
