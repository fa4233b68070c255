"""The OpenAPI document and the interactive docs: complete, consistent, and served without any CDN."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

PUBLIC = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/survey/{token}")}
CORE = {
    ("POST", "/api/v1/complaints"), ("GET", "/api/v1/complaints"), ("GET", "/api/v1/complaints/{number}"),
    ("GET", "/api/v1/complaints/{number}/timeline"), ("POST", "/api/v1/complaints/{number}/accept"),
    ("POST", "/api/v1/complaints/{number}/resolve"), ("POST", "/api/v1/complaints/{number}/notes"),
    ("POST", "/api/v1/complaints/{number}/attachments"), ("POST", "/api/v1/complaints/{number}/contact"),
    ("GET", "/api/v1/complaints/{number}/satisfaction"), ("POST", "/api/v1/complaints/{number}/satisfaction"),
    *PUBLIC,
}
CDN_MARKERS = ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis", "django-ninja.dev")


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    return json.loads(r.content)


def _operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_the_document_is_openapi_3_and_lists_the_endpoints(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Loopdesk API"
    listed = {(m, p) for m, p, _op in _operations(document)}
    assert listed >= CORE
    assert len(listed) >= 45


def test_every_operation_has_a_unique_id_and_declares_its_security(document):
    ids = [op["operationId"] for _m, _p, op in _operations(document)]
    assert len(ids) == len(set(ids))
    for method, path, op in _operations(document):
        if (method, path) in PUBLIC:
            assert not op.get("security"), (method, path)
        else:
            assert op.get("security"), f"{method} {path} does not say it needs authentication"


def test_every_reference_in_the_document_resolves(document):
    text = json.dumps(document)
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert refs
    missing = refs - set(document["components"]["schemas"])
    assert not missing


def test_every_path_parameter_is_declared(document):
    for method, path, op in _operations(document):
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_the_docs_page_loads_and_uses_no_cdn(db):
    client = Client()
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    for marker in CDN_MARKERS:
        assert marker not in html, marker
    assert "/api/v1/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by this site"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset["X-Content-Type-Options"] == "nosniff"
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body, url
        if url.endswith(".js"):
            assert asset["Content-Type"].startswith("text/javascript")
        if url.endswith(".css"):
            assert asset["Content-Type"].startswith("text/css")


def test_the_docs_assets_serve_only_the_swagger_files(db):
    client = Client()
    for name in ("settings.py", "..%2F..%2Fmain.py", "swagger-ui-bundle.js.map", "redoc.standalone.js"):
        assert client.get(f"/api/v1/docs/assets/{name}").status_code == 404, name


def test_the_docs_assets_are_not_part_of_the_api_document(document):
    assert not [p for p in document["paths"] if "/docs" in p]
