"""The Django admin: every page loads for a superuser; complaint records cannot be changed there."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from loopdesk.accounts.models import ApiToken, AuditLog, User
from loopdesk.complaints.models import Complaint, Customer, Event

MY_APPS = {"accounts", "classification", "routing", "complaints", "core"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.core.cache import cache

    from loopdesk.core import memo

    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()  # rows memoised by an earlier module may name ids that no longer exist
        memo.clear()
        call_command("load_demo", complaints=15, seed=3, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def ada(demo, db) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_list_and_detail_page_loads_for_a_superuser(ada):
    assert ada.get("/admin/").status_code == 200
    for model in admin.site._registry:
        r = ada.get(url(model, "changelist"))
        assert r.status_code == 200, (model, r.status_code)
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            r = ada.get(url(model, "change", obj.pk))
            assert r.status_code == 200, (model, r.status_code)


def test_my_apps_register_every_model(ada):
    from django.apps import apps

    for label in MY_APPS:
        for model in apps.get_app_config(label).get_models():
            assert model in admin.site._registry, model


def test_complaint_lists_use_a_bounded_number_of_queries(ada, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert ada.get(url(Complaint, "changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert ada.get(url(Event, "changelist")).status_code == 200


def test_timeline_events_cannot_be_added_changed_or_deleted(ada):
    event = Event.objects.order_by("pk").first()
    before = (Event.objects.count(), event.note, event.action)
    assert ada.get(url(Event, "add")).status_code == 403
    assert ada.post(url(Event, "change", event.pk), {"note": "rewritten", "action": "x"}).status_code == 403
    assert ada.post(url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    ada.post(url(Event, "changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    event.refresh_from_db()
    assert (Event.objects.count(), event.note, event.action) == before


def test_a_complaint_is_shown_but_its_status_cannot_be_changed(ada):
    c = Complaint.objects.exclude(status="archived").order_by("pk").first()
    page = ada.get(url(Complaint, "change", c.pk)).content.decode()
    assert c.number in page
    assert 'name="status"' not in page
    assert ada.post(url(Complaint, "change", c.pk), {"status": "archived"}).status_code == 403
    assert ada.post(url(Complaint, "delete", c.pk), {"post": "yes"}).status_code == 403
    c.refresh_from_db()
    assert c.status != "archived"


def test_opening_a_customer_record_is_audited(ada):
    customer = Customer.objects.exclude(phone="").order_by("pk").first()
    assert ada.get(url(Customer, "change", customer.pk)).status_code == 200
    assert AuditLog.objects.filter(action="admin_view_customer", target=f"customer:{customer.pk}").exists()


def test_the_customer_list_masks_phone_numbers(ada):
    customer = Customer.objects.exclude(phone="").order_by("pk").first()
    page = ada.get(url(Customer, "changelist")).content.decode()
    assert customer.phone not in page
    assert customer.phone[:3] + "****" + customer.phone[-4:] in page


def test_api_tokens_can_be_revoked_but_not_created(ada):
    token, _raw = ApiToken.issue(User.objects.get(username="agent"), "laptop")
    assert ada.get(url(ApiToken, "add")).status_code == 403
    ada.post(url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_people_without_staff_rights_are_sent_to_the_admin_login(demo, db):
    client = Client()
    client.force_login(User.objects.get(username="agent"))
    r = client.get(url(Complaint, "changelist"))
    assert r.status_code == 302
    assert "/admin/login/" in r["Location"]
