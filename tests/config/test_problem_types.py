"""Problem types: two levels, bilingual names, deactivated rather than deleted."""

from __future__ import annotations

from loopdesk.accounts.models import AuditLog
from loopdesk.classification.models import ProblemType
from loopdesk.classification.taxonomy import active_type
from tests.config.conftest import snapshot


def form(**over) -> dict:
    data = {"code": "packaging", "parent": "", "name_zh": "包装破损", "name_en": "Damaged packaging",
            "order": 50, "active": "on"}
    data.update(over)
    return data


def test_the_list_shows_categories_with_their_sub_types(org, admin):
    page = admin.get("/config/problem-types/").content.decode()
    assert "物流配送" in page and "Logistics" in page and "delivery_delay" in page


def test_an_admin_adds_a_sub_type_and_it_is_audited(org, admin):
    parent = ProblemType.objects.get(code="logistics")
    r = admin.post("/config/problem-types/new/", form(parent=parent.pk))
    assert r.status_code == 302 and r["Location"] == "/config/problem-types/"
    pt = ProblemType.objects.get(code="packaging")
    assert (pt.parent, pt.name_zh, pt.name_en, pt.active) == (parent, "包装破损", "Damaged packaging", True)
    assert active_type("packaging") == pt  # usable at intake at once
    log = AuditLog.objects.get(action="config.problem_type.create")
    assert log.actor == org.ada and log.target == "problem_type:packaging"
    assert log.detail["after"]["name_zh"] == "包装破损"


def test_bad_input_gets_field_errors_and_saves_nothing(org, admin):
    before = snapshot()
    r = admin.post("/config/problem-types/new/", form(code="物流 code", name_zh="", order="-1"))
    assert r.status_code == 400
    page = r.content.decode()
    for field in ("code", "name_zh", "order"):
        assert f'id="id_{field}_error"' in page, field
    assert "Nothing was saved." in page
    assert snapshot() == before


def test_a_duplicate_code_is_a_field_error(org, admin):
    r = admin.post("/config/problem-types/new/", form(code="logistics"))
    assert r.status_code == 400 and 'id="id_code_error"' in r.content.decode()


def test_the_code_cannot_be_changed_once_created(org, admin):
    pt = ProblemType.objects.get(code="delivery_delay")
    r = admin.post(f"/config/problem-types/{pt.pk}/", form(code="renamed", parent=pt.parent_id, name_zh="配送延迟"))
    assert r.status_code == 302
    pt.refresh_from_db()
    assert pt.code == "delivery_delay"


def test_renaming_is_audited_with_before_and_after(org, admin):
    pt = ProblemType.objects.get(code="delivery_delay")
    admin.post(f"/config/problem-types/{pt.pk}/", form(code=pt.code, parent=pt.parent_id, name_zh="送货延误",
                                                       name_en=pt.name_en, order=pt.order))
    log = AuditLog.objects.get(action="config.problem_type.update")
    assert log.detail["before"] == {"name_zh": pt.name_zh} and log.detail["after"] == {"name_zh": "送货延误"}


def test_a_category_with_active_sub_types_cannot_be_deactivated(org, admin):
    root = ProblemType.objects.get(code="logistics")
    before = snapshot()
    r = admin.post(f"/config/problem-types/{root.pk}/", form(code=root.code, name_zh=root.name_zh,
                                                             name_en=root.name_en, active=""))
    assert r.status_code == 400 and "Deactivate its sub-types first." in r.content.decode()
    assert snapshot() == before


def test_a_category_with_sub_types_cannot_become_a_sub_type(org, admin):
    root = ProblemType.objects.get(code="logistics")
    other = ProblemType.objects.filter(parent__isnull=True).exclude(pk=root.pk).first()
    r = admin.post(f"/config/problem-types/{root.pk}/", form(code=root.code, parent=other.pk))
    assert r.status_code == 400 and 'id="id_parent_error"' in r.content.decode()


def test_a_deactivated_type_is_no_longer_offered_at_intake(org, admin):
    pt = ProblemType.objects.get(code="delivery_delay")
    admin.post(f"/config/problem-types/{pt.pk}/", form(code=pt.code, parent=pt.parent_id, name_zh=pt.name_zh,
                                                       name_en=pt.name_en, active=""))
    assert active_type("delivery_delay") is None
    assert 'value="delivery_delay"' not in admin.get("/portal/new/").content.decode()


def test_problem_types_cannot_be_deleted(org, admin):
    pt = ProblemType.objects.get(code="delivery_delay")
    assert admin.post(f"/config/problem-types/{pt.pk}/delete/").status_code == 404
    assert ProblemType.objects.filter(pk=pt.pk).exists()
