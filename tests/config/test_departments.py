"""Departments: added, renamed, and deleted only when nothing refers to them."""

from __future__ import annotations

from loopdesk.accounts.models import AuditLog, Department
from tests.config.conftest import snapshot


def test_an_admin_adds_and_deletes_an_unused_department(org, admin):
    assert admin.post("/config/departments/new/", {"code": "legal", "name_zh": "法务部",
                                                   "name_en": "Legal"}).status_code == 302
    legal = Department.objects.get(code="legal")
    assert admin.post(f"/config/departments/{legal.pk}/delete/").status_code == 302
    assert not Department.objects.filter(code="legal").exists()
    assert [a.action for a in AuditLog.objects.order_by("id")] == ["config.department.create",
                                                                   "config.department.delete"]


def test_a_department_with_people_or_rules_stays(org, admin):
    before = snapshot()
    r = admin.post(f"/config/departments/{org.depts['logistics'].pk}/delete/", follow=True)
    assert "still has people" in r.content.decode()
    org.depts["finance"]  # no people, no rules: deletable
    r = admin.post(f"/config/departments/{org.depts['cs'].pk}/delete/", follow=True)
    assert "still has people" in r.content.decode()
    assert snapshot() == before


def test_bad_codes_are_field_errors(org, admin):
    before = snapshot()
    r = admin.post("/config/departments/new/", {"code": "logistics", "name_zh": "", "name_en": "X"})
    assert r.status_code == 400
    assert 'id="id_code_error"' in r.content.decode() and 'id="id_name_zh_error"' in r.content.decode()
    assert snapshot() == before
