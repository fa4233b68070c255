"""The knowledge pages and the complaint page's knowledge panel, against every role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loopdesk.complaints.models import Event
from loopdesk.knowledge.models import Article, ArticleStatus, ArticleUse
from tests.web.conftest import ROLES, drive, register

WRITERS = {"sam", "mia", "ada"}


def test_strangers_are_sent_to_sign_in(org, article):
    a = article()
    c = drive(org, register(org), "resolved")
    anon = Client()
    for url in ["/knowledge/", "/knowledge/new", f"/knowledge/{a.pk}", f"/knowledge/{a.pk}/edit"]:
        r = anon.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next="), url
    for url in [f"/knowledge/{a.pk}/publish", f"/knowledge/{a.pk}/retire", f"/knowledge/from/{c.number}",
                f"/knowledge/{a.pk}/use/{c.number}", "/knowledge/new"]:
        r = anon.post(url, {"title": "x", "script": "y"})
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    assert Article.objects.count() == 1 and ArticleUse.objects.count() == 0


@pytest.mark.parametrize("user", ROLES)
def test_every_role_reads_published_articles_and_only_writers_see_drafts(org, browser, article, user):
    published, draft = article("快递延迟安抚话术"), article("未发布的草稿", publish=False)
    b = browser(user)
    page = b.get("/knowledge/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/knowledge/"' in html  # the nav link
    assert published.title in html and (draft.title in html) == (user in WRITERS)
    assert b.get(f"/knowledge/{published.pk}").status_code == 200
    assert b.get(f"/knowledge/{draft.pk}").status_code == (200 if user in WRITERS else 404)
    assert b.get("/knowledge/new").status_code == (200 if user in WRITERS else 403)
    assert b.get(f"/knowledge/{published.pk}/edit").status_code == (200 if user in WRITERS else 403)


def test_the_list_searches_in_chinese(org, browser, article):
    article("快递延迟安抚话术")
    article("退款到账说明", problem_type="refund", keywords="退款", script="退款原路退回。", solution="")
    html = browser("amy").get("/knowledge/", {"q": "原路退回"}).content.decode()
    assert "退款到账说明" in html and "快递延迟安抚话术" not in html
    html = browser("amy").get("/knowledge/", {"problem_type": "logistics"}).content.decode()
    assert "快递延迟安抚话术" in html and "退款到账说明" not in html


def test_the_list_costs_the_same_queries_for_3_and_30_articles(org, browser, article):
    b = browser("sam")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert b.get("/knowledge/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        article(f"文章{i}")
    few = count()
    for i in range(27):
        article(f"更多文章{i}", problem_type=("refund", "invoice", "")[i % 3])
    assert count() == few


def test_a_writer_writes_publishes_and_retires_an_article(org, browser):
    b = browser("mia")
    r = b.post("/knowledge/new", {"title": "发票补开", "problem_type": "invoice", "keywords": "发票 补开",
                                  "script": "电子发票将在24小时内补开。", "solution": ""})
    a = Article.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/knowledge/{a.pk}"
    assert (a.status, a.author, a.problem_type.code) == (ArticleStatus.DRAFT, org.mia, "invoice")
    assert b.post(f"/knowledge/{a.pk}/publish").status_code == 302
    assert Article.objects.get(pk=a.pk).status == ArticleStatus.PUBLISHED
    r = b.post(f"/knowledge/{a.pk}/edit",
               {"title": "发票补开流程", "problem_type": "invoice", "script": "24小时内补开。"})
    assert r.status_code == 302 and Article.objects.get(pk=a.pk).title == "发票补开流程"
    assert b.post(f"/knowledge/{a.pk}/retire").status_code == 302
    assert Article.objects.get(pk=a.pk).status == ArticleStatus.RETIRED
    assert b.post(f"/knowledge/{a.pk}/retire").status_code == 409


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(org, browser):
    r = browser("ada").post("/knowledge/new", {"title": "只有标题", "problem_type": "", "script": "", "solution": ""})
    assert r.status_code == 400
    assert "Write the standard script, the solution, or both." in r.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.parametrize("user", sorted(set(ROLES) - WRITERS))
def test_readers_are_refused_every_write_and_nothing_changes(org, browser, article, user):
    a, draft = article(), article("草稿", publish=False)
    c = drive(org, register(org), "resolved")
    b = browser(user)
    before = list(Article.objects.order_by("id").values())
    events = Event.objects.count()
    assert b.post("/knowledge/new", {"title": "x", "script": "y"}).status_code == 403
    assert b.post(f"/knowledge/{a.pk}/edit", {"title": "x", "script": "y"}).status_code == 403
    assert b.post(f"/knowledge/{draft.pk}/edit", {"title": "x", "script": "y"}).status_code == 404
    assert b.post(f"/knowledge/{draft.pk}/publish").status_code == 403
    assert b.post(f"/knowledge/{a.pk}/retire").status_code == 403
    assert b.post(f"/knowledge/from/{c.number}").status_code in (403, 404)
    assert list(Article.objects.order_by("id").values()) == before and Event.objects.count() == events


def test_csrf_is_enforced(org, browser, article):
    a = article(publish=False)
    assert browser("ada", csrf=True).post(f"/knowledge/{a.pk}/publish").status_code == 403
    assert Article.objects.get(pk=a.pk).status == ArticleStatus.DRAFT


def test_the_complaint_page_suggests_articles_and_records_a_use(org, browser, article):
    a = article()
    c = drive(org, register(org), "in_progress")
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    assert 'id="knowledge"' in html and a.title in html and f"/knowledge/{a.pk}/use/{c.number}" in html
    assert f"/knowledge/from/{c.number}" not in html  # not resolved yet
    r = browser("hank").post(f"/knowledge/{a.pk}/use/{c.number}")
    assert r.status_code == 302 and r["Location"] == f"/complaints/{c.number}#knowledge"
    assert Article.objects.get(pk=a.pk).usage_count == 1
    html = browser("hank").get(f"/complaints/{c.number}").content.decode()
    assert "Used on this complaint." in html and "knowledge article used" in html


def test_outsiders_cannot_use_an_article_on_a_complaint_they_cannot_see(org, browser, article):
    a = article()
    c = drive(org, register(org), "in_progress")
    assert browser("holly").post(f"/knowledge/{a.pk}/use/{c.number}").status_code == 404
    assert browser("hank").post(f"/knowledge/{a.pk + 99}/use/{c.number}").status_code == 404
    assert ArticleUse.objects.count() == 0


def test_a_resolved_complaint_offers_writers_a_draft(org, browser):
    c = drive(org, register(org), "resolved")
    assert f"/knowledge/from/{c.number}" not in browser("hank").get(f"/complaints/{c.number}").content.decode()
    assert f"/knowledge/from/{c.number}" in browser("sam").get(f"/complaints/{c.number}").content.decode()
    r = browser("sam").post(f"/knowledge/from/{c.number}")
    a = Article.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/knowledge/{a.pk}/edit"
    assert browser("sam").post(f"/knowledge/from/{c.number}")["Location"] == f"/knowledge/{a.pk}/edit"
    assert Article.objects.count() == 1
    page = browser("sam").get(f"/knowledge/{a.pk}").content.decode()
    assert f'href="/complaints/{c.number}"' in page


def test_a_draft_from_an_open_complaint_is_a_conflict(org, browser):
    c = drive(org, register(org), "in_progress")
    assert browser("sam").post(f"/knowledge/from/{c.number}").status_code == 409
    assert Article.objects.count() == 0


def test_the_panel_costs_the_same_queries_for_1_and_20_articles(org, browser, article):
    c = drive(org, register(org), "in_progress")
    b = browser("hank")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert b.get(f"/complaints/{c.number}").status_code == 200
        return len(ctx.captured_queries)

    article()
    b.get(f"/complaints/{c.number}")
    few = count()
    for i in range(19):
        a = article(f"快递说明{i}", problem_type=("delivery_delay", "lost_damaged", "")[i % 3])
        if i % 2:
            ArticleUse.objects.create(article=a, complaint=c, used_by=org.hank)
    assert count() == few


def test_the_pages_speak_chinese(org, article):
    a = article()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(org.sam)
    html = client.get(f"/knowledge/{a.pk}").content.decode()
    assert 'lang="zh-CN"' in html and a.script in html
