"""Writing, publishing and retiring articles; who may read which; Chinese search."""

from __future__ import annotations

import pytest

from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from loopdesk.knowledge import articles
from loopdesk.knowledge.articles import ArticleInput
from loopdesk.knowledge.models import Article, ArticleStatus
from tests.knowledge.conftest import START

WRITERS = ("sam", "mia", "ada")
READERS = ("amy", "hank", "holly", "monty")


@pytest.mark.parametrize("user", WRITERS)
def test_supervisors_managers_and_admins_write_and_publish(org, user):
    a = articles.create(ArticleInput(title=" 退款到账说明 ", problem_type="refund", keywords="退款  到账",
                                     script="退款将在3个工作日内原路退回。"), actor=org.users[user])
    assert (a.title, a.keywords) == ("退款到账说明", "退款 到账")
    assert (a.status, a.author) == (ArticleStatus.DRAFT, org.users[user])
    a = articles.publish(a.pk, actor=org.users[user])
    assert (a.status, a.reviewer, a.published_at) == (ArticleStatus.PUBLISHED, org.users[user], START)


@pytest.mark.parametrize("user", READERS)
def test_other_staff_may_not_write(org, article, user):
    a = article(publish=False)
    with pytest.raises(NotAllowed):
        articles.create(ArticleInput(title="x", script="y"), actor=org.users[user])
    with pytest.raises(NotAllowed):
        articles.update(a.pk, ArticleInput(title="改了", script="y"), actor=org.users[user])
    with pytest.raises(NotAllowed):
        articles.publish(a.pk, actor=org.users[user])
    assert Article.objects.count() == 1
    assert Article.objects.get().title == a.title and Article.objects.get().status == ArticleStatus.DRAFT


@pytest.mark.parametrize("user", READERS)
def test_other_staff_read_only_published_articles(org, article, user):
    draft, published = article("草稿文章", publish=False), article("已发布文章")
    retired = article("已停用文章")
    articles.retire(retired.pk, actor=org.sam)
    reader = org.users[user]
    assert list(articles.visible_articles(reader)) == [published]
    assert articles.get_article(reader, published.pk) == published
    for hidden in (draft, retired):
        with pytest.raises(NotFound):
            articles.get_article(reader, hidden.pk)
    assert set(articles.visible_articles(org.sam)) == {draft, published, retired}


def test_a_title_and_a_script_or_solution_are_required(org):
    with pytest.raises(ValidationFailed) as exc:
        articles.create(ArticleInput(title=" ", problem_type="no_such_type"), actor=org.sam)
    assert set(exc.value.errors) == {"title", "script", "problem_type"}
    assert Article.objects.count() == 0


def test_publishing_twice_and_retiring_a_draft_are_conflicts(org, article):
    a = article()
    with pytest.raises(Conflict):
        articles.publish(a.pk, actor=org.mia)
    draft = article("草稿", publish=False)
    with pytest.raises(Conflict):
        articles.retire(draft.pk, actor=org.mia)
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.DRAFT
    articles.retire(a.pk, actor=org.mia)
    assert articles.publish(a.pk, actor=org.mia).status == ArticleStatus.PUBLISHED  # back in use


def test_editing_reindexes_the_text(org, article):
    a = article()
    assert list(articles.find(org.amy, q="加急配送")) == [a]
    articles.update(a.pk, ArticleInput(title="发票补开", problem_type="invoice", script="电子发票将在24小时内补开。"),
                    actor=org.ada)
    assert list(articles.find(org.amy, q="加急配送")) == []
    assert list(articles.find(org.amy, q="发票补开")) == [a]


def test_search_finds_any_chinese_substring_and_english_words(org, article):
    late = article()
    refund = article("退款到账时间说明", problem_type="refund", keywords="refund 退钱",
                     script="退款3个工作日内原路退回。", solution="")
    assert list(articles.find(org.amy, q="延误")) == [late]
    assert list(articles.find(org.amy, q="原路退回")) == [refund]
    assert list(articles.find(org.amy, q="REFUND")) == [refund]
    assert list(articles.find(org.amy, q="配送延迟")) == [late]  # the type's own name is searchable
    assert list(articles.find(org.amy, q="洗衣机爆炸")) == []
    assert set(articles.find(org.amy, q="")) == {late, refund}


def test_a_root_type_filter_includes_its_sub_types(org, article):
    late = article()
    lost = article("丢件处理", problem_type="lost_damaged")
    general = article("通用致歉话术", problem_type="")
    assert set(articles.find(org.amy, problem_type="logistics")) == {late, lost}
    assert list(articles.find(org.amy, problem_type="lost_damaged")) == [lost]
    assert general.problem_type is None
