"""Suggestions on a complaint (type first, then shared words), and recording that one was used."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from loopdesk.accounts.models import Role, User
from loopdesk.complaints.models import Complaint, Event
from loopdesk.core.errors import Conflict, NotAllowed, NotFound
from loopdesk.knowledge import articles, suggest
from loopdesk.knowledge.models import Article, ArticleUse
from tests.web.conftest import drive, register


def titles(c: Complaint) -> list[str]:
    return [s.article.title for s in suggest.suggestions(c)]


def test_own_type_first_then_family_then_general_then_other_types_sharing_words(org, article):
    c = register(org, subject="快递一周未送达", description="洗衣机的快递一直没送到，物流也查不到")
    article("退款到账说明", problem_type="refund", keywords="退款", script="退款原路退回。", solution="")
    article("物流查不到时的处理", problem_type="refund", keywords="物流 查不到", script="先核实物流单号。")
    article("通用致歉话术", problem_type="", keywords="", script="给您带来不便，非常抱歉。", solution="")
    article("丢件理赔", problem_type="lost_damaged", keywords="丢件 破损", script="请提供开箱照片。")
    article("快递延迟安抚话术")
    article("未审核的草稿", publish=False)
    assert titles(c) == ["快递延迟安抚话术", "丢件理赔", "通用致歉话术", "物流查不到时的处理"]


def test_within_a_type_more_shared_words_rank_higher_then_more_uses(org, article):
    c = register(org, subject="快递一周未送达", description="洗衣机的快递一直没送到")
    weak = article("配送延迟通用说明", keywords="", script="我们会尽快处理。", solution="")
    strong = article("快递未送达", keywords="快递 没送到 一周", script="我们会联系快递加急。")
    popular = article("配送延迟常用说明", keywords="", script="我们会尽快处理。", solution="")
    Article.objects.filter(pk=popular.pk).update(usage_count=5)
    assert titles(c) == [strong.title, popular.title, weak.title]


def test_retired_articles_and_unrelated_types_without_shared_words_are_not_suggested(org, article):
    c = register(org)
    old = article()
    articles.retire(old.pk, actor=org.sam)
    article("发票补开", problem_type="invoice", keywords="发票", script="电子发票24小时内补开。", solution="")
    assert titles(c) == []


def test_recording_a_use_counts_it_once_per_complaint_and_puts_it_on_the_timeline(org, article):
    a = article()
    c = drive(org, register(org), "in_progress")
    events = Event.objects.filter(complaint=c).count()
    use, created = suggest.record_use(a.pk, c.number, actor=org.hank)
    assert created and use.used_by == org.hank
    again, created = suggest.record_use(a.pk, c.number, actor=org.sam)
    assert not created and again == use
    assert Article.objects.get(pk=a.pk).usage_count == 1
    e = Event.objects.filter(complaint=c).order_by("-id").first()
    assert Event.objects.filter(complaint=c).count() == events + 1
    assert (e.action, e.actor, e.after, e.note, e.customer_visible) == (
        "use_article", org.hank, {"article": a.pk}, a.title, False)
    other = drive(org, register(org, phone="13900001111"), "accepted")
    suggest.record_use(a.pk, other.number, actor=org.amy)  # agents talk to customers
    assert Article.objects.get(pk=a.pk).usage_count == 2
    assert [s.used for s in suggest.suggestions(c)] == [True]


@pytest.mark.parametrize("user, error", [("holly", NotFound), ("hugo", NotAllowed)])
def test_outsiders_and_people_who_do_not_handle_it_cannot_record_a_use(org, article, user, error):
    # hugo: a logistics handler who sees the department's complaints but does not work on this one.
    org.users["hugo"] = User.objects.create_user("hugo", role=Role.HANDLER, department=org.depts["logistics"])
    a = article()
    c = drive(org, register(org), "in_progress")
    events = Event.objects.filter(complaint=c).count()
    assert not suggest.can_use(org.users[user], c)
    with pytest.raises(error):
        suggest.record_use(a.pk, c.number, actor=org.users[user])
    assert (ArticleUse.objects.count(), Article.objects.get(pk=a.pk).usage_count) == (0, 0)
    assert Event.objects.filter(complaint=c).count() == events


def test_drafts_cannot_be_used_and_archived_complaints_take_nothing(org, article):
    draft = article("草稿", publish=False)
    c = drive(org, register(org), "archived")
    with pytest.raises(NotFound):
        suggest.record_use(draft.pk, c.number, actor=org.sam)
    with pytest.raises(Conflict):
        suggest.record_use(article().pk, c.number, actor=org.sam)
    assert ArticleUse.objects.count() == 0
    assert not suggest.can_use(org.sam, c)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrated taxonomy comes back after
def test_concurrent_uses_on_different_complaints_lose_no_count(org, article):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    a = article()
    numbers = [drive(org, register(org, phone=f"1390000{i:04d}"), "in_progress").number for i in range(6)]
    barrier = threading.Barrier(len(numbers))
    errors: list[BaseException] = []

    def use(number: str) -> None:
        try:
            barrier.wait()
            suggest.record_use(a.pk, number, actor=org.ada)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert Article.objects.get(pk=a.pk).usage_count == len(numbers)
