"""manage.py create_user and create_token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from loopdesk.accounts.models import ApiToken, Department, Role, User, hash_token


@pytest.fixture
def logistics(db) -> Department:
    return Department.objects.create(code="logistics", name_zh="物流协调部", name_en="Logistics")


def test_create_user_makes_a_handler_in_a_department(logistics):
    out = StringIO()
    call_command("create_user", "hank", role="handler", department="logistics", password="long-enough-pw-1",
                 display_name="韩明", stdout=out)
    hank = User.objects.get(username="hank")
    assert (hank.role, hank.department, hank.display_name) == (Role.HANDLER, logistics, "韩明")
    assert hank.check_password("long-enough-pw-1")
    assert not hank.is_staff
    assert "Created hank" in out.getvalue()


def test_create_user_gives_admins_the_django_admin(logistics):
    call_command("create_user", "ada", role="admin", department="logistics", password="long-enough-pw-1",
                 stdout=StringIO())
    ada = User.objects.get(username="ada")
    assert ada.is_staff and ada.is_superuser


def test_the_first_admin_needs_no_department(db):
    call_command("create_user", "ada", role="admin", password="long-enough-pw-1", stdout=StringIO())
    assert User.objects.get(username="ada").department is None


def test_everyone_else_needs_a_department(logistics):
    with pytest.raises(CommandError, match="Unknown department None"):
        call_command("create_user", "hank", role="handler", password="long-enough-pw-1")
    assert not User.objects.exists()


def test_create_user_refuses_an_unknown_department_and_creates_nothing(logistics):
    with pytest.raises(CommandError, match=r"Unknown department 'nowhere'.*logistics"):
        call_command("create_user", "hank", role="handler", department="nowhere", password="long-enough-pw-1")
    assert not User.objects.exists()


def test_create_user_refuses_a_weak_password_and_an_existing_username(logistics):
    with pytest.raises(CommandError):
        call_command("create_user", "hank", role="handler", department="logistics", password="123")
    assert not User.objects.exists()
    call_command("create_user", "hank", role="handler", department="logistics", password="long-enough-pw-1",
                 stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "hank", role="agent", department="logistics", password="long-enough-pw-2")
    assert User.objects.get(username="hank").role == Role.HANDLER


def test_create_user_without_a_password_outside_a_terminal_asks_for_one(logistics, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--password"):
        call_command("create_user", "hank", role="handler", department="logistics")
    assert not User.objects.exists()


def test_create_token_prints_a_token_that_only_its_hash_is_stored_for(logistics):
    user = User.objects.create_user("hank", password="x", role=Role.HANDLER, department=logistics)
    out, err = StringIO(), StringIO()
    call_command("create_token", "hank", name="CRM sync", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert token.name == "CRM sync"
    assert token.digest == hash_token(raw)
    assert raw not in {token.digest, token.prefix}
    assert "shown once" in err.getvalue()


def test_the_printed_token_authenticates_against_the_api(logistics, client):
    User.objects.create_user("hank", password="x", role=Role.HANDLER, department=logistics)
    out = StringIO()
    call_command("create_token", "hank", stdout=out, stderr=StringIO())
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    assert r.status_code == 200
    assert r.json()["username"] == "hank"


def test_create_token_refuses_unknown_and_deactivated_users(logistics):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_token", "ghost")
    User.objects.create_user("gone", password="x", is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_token", "gone")
    assert not ApiToken.objects.exists()
