"""Customers have no account: a plain client per test, and helpers that fill the forms like a person."""

from __future__ import annotations

import secrets
import time

import pytest
from django.core import signing
from django.test import Client
from django.utils import translation

from loopdesk.portal import abuse


def human_stamp(seconds_ago: float = 20) -> str:
    """The signed time stamp of a form opened a while ago, as a person's browser would send it back."""
    return signing.dumps(int((time.time() - seconds_ago) * 1000), salt=abuse._SALT)


def submission(**over) -> dict:
    data = {
        "name": "李女士", "phone": "139 0000 1111", "email": "li@example.com", "region": "杭州",
        "order_no": "JD-20261120-88", "product": "扫地机器人", "problem_type": "",
        "subject": "机器人充电座损坏", "description": "收到货第二天充电座就无法充电，指示灯不亮。",
        "core_demand": "更换充电座", "consent": "on", "key": secrets.token_urlsafe(24),
        "homepage": "", "started": human_stamp(),
    }
    data.update(over)
    return data


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The org fixture hashes seven passwords; production-strength hashing would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after():
    # A request with Accept-Language: en leaves English active in this thread; later tests expect the default.
    yield
    translation.deactivate()


@pytest.fixture
def customer() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
