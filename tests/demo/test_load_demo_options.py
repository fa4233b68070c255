"""manage.py load_demo on an empty database: --if-empty, repeat runs, production refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from loopdesk.accounts.models import User
from loopdesk.complaints.models import Complaint
from loopdesk.demo.articles import ARTICLES
from loopdesk.demo.clock import DemoClock
from loopdesk.knowledge.models import Article


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_it_loads_into_an_empty_database_with_if_empty(db):
    output = load(complaints=12, if_empty=True)
    assert Complaint.objects.count() == 12
    assert "Loaded 12 demo complaints" in output


def test_a_second_run_without_if_empty_adds_complaints_and_keeps_the_logins(db):
    load(complaints=5)
    User.objects.filter(username="agent").update(first_name="changed")
    load(complaints=5, seed=8)
    assert Complaint.objects.count() == 10
    assert User.objects.filter(username="agent").count() == 1
    assert User.objects.get(username="agent").first_name == "changed"


def test_it_refuses_to_create_demo_logins_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        load(complaints=3)
    assert not User.objects.exists()


def test_the_demo_clock_moves_django_now_and_model_defaults_only_while_installed():
    clock = DemoClock()
    past = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    with clock.installed():
        clock.set(past)
        assert timezone.now() == past
        assert User._meta.get_field("date_joined").get_default() == past
    assert timezone.now() > past


def test_a_second_run_writes_the_knowledge_base_once(db):
    load(complaints=0)
    titles = list(Article.objects.values_list("title", flat=True))
    assert len(titles) == len(ARTICLES)
    assert not Article.objects.exclude(status="published").exists()
    load(complaints=0)
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(titles)
