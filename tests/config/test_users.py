"""Staff accounts: created with a role and department, deactivated, passwords reset — always audited."""

from __future__ import annotations

from django.test import Client

from loopdesk.accounts.models import AuditLog, Role, User
from tests.api.support import register
from tests.config.conftest import snapshot


def new_user(org, **over) -> dict:
    data = {"username": "fiona", "display_name": "Fiona", "role": Role.HANDLER, "department": org.depts["finance"].pk,
            "email": "fiona@example.com", "phone": "", "password1": "Ledger-2026-ok", "password2": "Ledger-2026-ok"}
    data.update(over)
    return data


def edit(user: User, **over) -> dict:
    data = {"display_name": user.display_name, "role": user.role, "department": user.department_id or "",
            "email": user.email, "phone": user.phone, "is_active": "on" if user.is_active else ""}
    data.update(over)
    return {k: v for k, v in data.items() if v != ""}


def test_an_admin_creates_a_handler_who_can_sign_in(org, admin):
    r = admin.post("/config/users/new/", new_user(org))
    assert r.status_code == 302
    fiona = User.objects.get(username="fiona")
    assert (fiona.role, fiona.department.code) == ("handler", "finance")
    assert Client().post("/login/", {"username": "fiona", "password": "Ledger-2026-ok"}).status_code == 302
    log = AuditLog.objects.get(action="config.user.create")
    assert log.target == "user:fiona" and "Ledger" not in str(log.detail)


def test_weak_or_mismatched_passwords_are_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/users/new/", new_user(org, password1="123", password2="123"))
    assert r.status_code == 400 and 'id="id_password1_error"' in r.content.decode()
    r = admin.post("/config/users/new/", new_user(org, password2="Ledger-2026-no"))
    assert r.status_code == 400 and "The two passwords differ." in r.content.decode()
    r = admin.post("/config/users/new/", new_user(org, username="hank", role="emperor"))
    assert r.status_code == 400
    assert 'id="id_username_error"' in r.content.decode() and 'id="id_role_error"' in r.content.decode()
    assert snapshot() == before


def test_an_admin_changes_a_role_and_department(org, admin):
    r = admin.post(f"/config/users/{org.hank.pk}/", edit(org.hank, role=Role.SUPERVISOR,
                                                         department=org.depts["tech"].pk))
    assert r.status_code == 302
    org.hank.refresh_from_db()
    assert (org.hank.role, org.hank.department.code) == ("supervisor", "tech")
    log = AuditLog.objects.get(action="config.user.update")
    assert log.detail["before"]["role"] == "handler" and log.detail["after"]["role"] == "supervisor"


def test_a_deactivated_person_cannot_sign_in_and_their_open_work_is_flagged(org, admin):
    register(org)  # owned by hank
    hank = Client()
    hank.force_login(org.hank)
    r = admin.post(f"/config/users/{org.hank.pk}/", edit(org.hank, is_active=""), follow=True)
    assert "still owns 1 open complaints" in r.content.decode()
    org.hank.refresh_from_db()
    assert not org.hank.is_active
    assert Client().post("/login/", {"username": "hank", "password": "pw-hank-123"}).status_code != 302
    assert hank.get("/").status_code == 302  # the running session ends too


def test_admins_cannot_lock_themselves_out(org, admin):
    before = snapshot()
    r = admin.post(f"/config/users/{org.ada.pk}/", edit(org.ada, is_active=""))
    assert r.status_code == 400 and "You cannot deactivate your own account." in r.content.decode()
    r = admin.post(f"/config/users/{org.ada.pk}/", edit(org.ada, role=Role.AGENT))
    assert r.status_code == 400 and "You cannot take away your own administrator role." in r.content.decode()
    assert snapshot() == before


def test_an_admin_resets_a_password(org, admin):
    hank = Client()
    hank.force_login(org.hank)
    r = admin.post(f"/config/users/{org.hank.pk}/password/", {"new_password1": "Truck-route-77",
                                                               "new_password2": "Truck-route-77"})
    assert r.status_code == 302
    assert Client().post("/login/", {"username": "hank", "password": "Truck-route-77"}).status_code == 302
    assert Client().post("/login/", {"username": "hank", "password": "pw-hank-123"}).status_code == 400
    assert hank.get("/").status_code == 302  # signed out everywhere
    log = AuditLog.objects.get(action="config.user.password")
    assert log.target == "user:hank" and "Truck" not in str(log.detail)


def test_a_bad_new_password_changes_nothing(org, admin):
    before = snapshot()
    r = admin.post(f"/config/users/{org.hank.pk}/password/", {"new_password1": "hank", "new_password2": "hank"})
    assert r.status_code == 400 and 'id="id_new_password2_error"' in r.content.decode()
    assert snapshot() == before


def test_the_list_filters_by_role(org, admin):
    page = admin.get("/config/users/", {"role": "handler"}).content.decode()
    assert "hank" in page and "holly" in page and ">amy<" not in page
