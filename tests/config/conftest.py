"""Clients signed in as each named user, and a snapshot of what a refused change must leave alone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from loopdesk.accounts.models import AuditLog, Department, User
from loopdesk.classification.models import PriorityRule, ProblemType
from loopdesk.core.models import Setting
from loopdesk.deadlines.models import CalendarDay, SlaPolicy, WorkingPeriod
from loopdesk.routing.models import RoutingRule

CONFIG_MODELS = (ProblemType, RoutingRule, PriorityRule, SlaPolicy, CalendarDay, WorkingPeriod, User, Department,
                 Setting, AuditLog)


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
def as_user(org):
    clients: dict[str, Client] = {}

    def make(username: str | None, lang: str = "en") -> Client:
        if username not in clients:
            c = Client(HTTP_ACCEPT_LANGUAGE=lang)
            if username:
                c.force_login(org.users[username])
            clients[username] = c
        return clients[username]

    return make


@pytest.fixture
def admin(as_user) -> Client:
    return as_user("ada")


def snapshot() -> dict:
    """Every configuration row, so a refused change can be shown to have changed nothing."""
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in CONFIG_MODELS}
