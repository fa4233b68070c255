"""Shared fixtures: an organisation with one named user per role, and an API client per user.

Named users make permission tests read like stories:
  amy (agent, customer service) · hank (handler, logistics) · holly (handler, tech support)
  sam (supervisor, logistics) · mia (manager) · monty (monitor) · ada (admin)
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiToken, Department, Role, User
from loopdesk.routing.models import RoutingRule


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_hasher_and_language(settings):
    from django.utils import translation

    # Real hashing costs ~0.3 s a user; the tests are about access rules, not key stretching.
    # PBKDF2 stays second so passwords hashed outside a test (module fixtures) still verify.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    translation.activate(settings.LANGUAGE_CODE)  # a test that switched language must not leak it
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from loopdesk.core import memo

    # Rolled-back test transactions send no delete signals, so memoised rows must go by hand.
    cache.clear()
    memo.clear()
    yield
    memo.clear()


@pytest.fixture
def org(db):
    depts = {
        code: Department.objects.create(code=code, name_zh=zh, name_en=en)
        for code, zh, en in [
            ("cs", "客服中心", "Customer service"),
            ("logistics", "物流协调部", "Logistics coordination"),
            ("tech", "技术支持部", "Technical support"),
            ("finance", "财务部", "Finance"),
        ]
    }
    people = {}
    for username, role, dept in [
        ("amy", Role.AGENT, "cs"),
        ("hank", Role.HANDLER, "logistics"),
        ("holly", Role.HANDLER, "tech"),
        ("sam", Role.SUPERVISOR, "logistics"),
        ("mia", Role.MANAGER, "cs"),
        ("monty", Role.MONITOR, "cs"),
        ("ada", Role.ADMIN, "cs"),
    ]:
        people[username] = User.objects.create_user(
            username=username, password="pw-" + username + "-123", role=role, department=depts[dept],
            display_name=username.title(),
        )
    from loopdesk.classification.models import ProblemType

    RoutingRule.objects.create(order=10, name="物流 → 物流协调部",
                               problem_type=ProblemType.objects.get(code="logistics"),
                               department=depts["logistics"])
    RoutingRule.objects.create(order=20, name="产品功能 → 技术支持部",
                               problem_type=ProblemType.objects.get(code="product_function"),
                               department=depts["tech"])
    RoutingRule.objects.create(order=99, name="其他 → 客服中心", department=depts["cs"], role=Role.AGENT)
    return type("Org", (), {"depts": depts, "users": people, **people})


class Api:
    """A JSON client acting as one user through a personal API token."""

    def __init__(self, user: User | None, lang: str = "zh-hans"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": lang}
        if user is not None:
            _row, raw = ApiToken.issue(user, "test")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        self.user = user

    def _call(self, method: str, path: str, data=None, headers=None, raw: str | None = None):
        kwargs = {**self.headers, **(headers or {})}
        url = "/api/v1" + path
        if method == "get":
            return self.client.get(url, data or {}, **kwargs)
        body = raw if raw is not None else json.dumps(data if data is not None else {}, default=str)
        return getattr(self.client, method)(url, body, content_type="application/json", **kwargs)

    def get(self, path, params=None, **kw):
        return self._call("get", path, params, **kw)

    def post(self, path, data=None, **kw):
        return self._call("post", path, data, **kw)

    def upload(self, path, name: str, content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post("/api/v1" + path, {"file": SimpleUploadedFile(name, content)}, **self.headers)


@pytest.fixture
def api(org):
    cache: dict = {}

    def as_(username: str | None, lang: str = "zh-hans") -> Api:
        key = (username, lang)
        if key not in cache:
            cache[key] = Api(org.users[username] if username else None, lang)
        return cache[key]

    return as_


def complaint_payload(**over) -> dict:
    data = {
        "channel": "TEL",
        "channel_ref": "CALL-0001",
        "customer": {"name": "张先生", "phone": "13812341234", "region": "上海", "level": "normal"},
        "received_at": "2026-11-23T09:00:00+08:00",
        "subject": "快递一周未送达",
        "description": "10月28日购买的洗衣机今日无法启动，快递也一直没送到",
        "core_demand": "尽快送达并检修",
        "problem_type": "delivery_delay",
    }
    data.update(over)
    return data


@pytest.fixture
def make_complaint(api):
    def make(as_user: str = "amy", **over) -> dict:
        r = api(as_user).post("/complaints", complaint_payload(**over))
        assert r.status_code == 201, r.content
        return r.json()

    return make
