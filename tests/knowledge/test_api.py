"""The knowledge API: read, search, write (writers only), suggestions, uses and drafts."""

from __future__ import annotations

import pytest

from loopdesk.knowledge.models import Article, ArticleStatus, ArticleUse
from tests.web.conftest import ROLES, drive, register

WRITERS = {"sam", "mia", "ada"}
BODY = {"title": "发票补开", "problem_type": "invoice", "keywords": "发票", "script": "电子发票24小时内补开。"}


@pytest.mark.parametrize("user", ROLES)
def test_the_permission_matrix(org, api, article, user):
    published, draft = article(), article("草稿", publish=False)
    client = api(user)
    listed = client.get("/knowledge/articles").json()
    assert {a["title"] for a in listed["items"]} == ({published.title, draft.title} if user in WRITERS
                                                      else {published.title})
    assert client.get(f"/knowledge/articles/{published.pk}").status_code == 200
    assert client.get(f"/knowledge/articles/{draft.pk}").status_code == (200 if user in WRITERS else 404)
    r = client.post("/knowledge/articles", BODY)
    assert r.status_code == (201 if user in WRITERS else 403)
    r = client._call("put", f"/knowledge/articles/{published.pk}", {**BODY, "title": "改名"})
    assert r.status_code == (200 if user in WRITERS else 403)
    assert client.post(f"/knowledge/articles/{draft.pk}/publish").status_code == (200 if user in WRITERS else 403)
    expected = Article.objects.count() if user in WRITERS else 2
    assert Article.objects.count() == expected
    if user not in WRITERS:
        assert Article.objects.get(pk=published.pk).title == published.title
        assert Article.objects.get(pk=draft.pk).status == ArticleStatus.DRAFT


def test_strangers_get_401(org, api, article):
    a = article()
    assert api(None).get("/knowledge/articles").status_code == 401
    assert api(None).get(f"/knowledge/articles/{a.pk}").status_code == 401
    assert api(None).post("/knowledge/articles", BODY).status_code == 401


def test_search_filters_and_bad_input(org, api, article):
    article()
    article("退款到账说明", problem_type="refund", keywords="退款", script="退款原路退回。", solution="")
    r = api("amy").get("/knowledge/articles", {"q": "原路退回"}).json()
    assert [a["title"] for a in r["items"]] == ["退款到账说明"] and r["total"] == 1
    assert api("amy").get("/knowledge/articles", {"limit": 0}).status_code == 422
    assert api("amy").get("/knowledge/articles", {"status": "bogus"}).status_code == 422
    r = api("sam").post("/knowledge/articles", {"title": "", "script": ""})
    assert r.status_code == 422 and set(r.json()["errors"]) >= {"title", "script"}
    assert Article.objects.count() == 2


def test_suggestions_use_and_draft_through_the_api(org, api, article):
    a = article()
    c = drive(org, register(org), "in_progress")
    found = api("hank").get(f"/complaints/{c.number}/knowledge").json()
    assert [(s["article"]["id"], s["tier"], s["used"]) for s in found] == [(a.pk, 0, False)]
    r = api("hank").post(f"/complaints/{c.number}/knowledge/{a.pk}/use")
    assert r.status_code == 201 and r.json()["usage_count"] == 1
    r = api("hank").post(f"/complaints/{c.number}/knowledge/{a.pk}/use")
    assert r.status_code == 200 and r.json() == {"article": a.pk, "complaint": c.number, "created": False,
                                                  "usage_count": 1}
    assert api("holly").get(f"/complaints/{c.number}/knowledge").status_code == 404
    assert api("holly").post(f"/complaints/{c.number}/knowledge/{a.pk}/use").status_code == 404
    assert api("sam").post(f"/complaints/{c.number}/knowledge-draft").status_code == 409
    closed = drive(org, register(org, phone="13900001111"), "closed")
    r = api("sam").post(f"/complaints/{closed.number}/knowledge-draft")
    assert r.status_code == 201 and r.json()["source_complaint"] == closed.number
    assert r.json()["status"] == "draft"
    assert api("sam").post(f"/complaints/{closed.number}/knowledge-draft").status_code == 200
    assert api("amy").post(f"/complaints/{closed.number}/knowledge-draft").status_code == 403
    assert ArticleUse.objects.count() == 1


def test_the_source_complaint_is_hidden_from_those_who_cannot_see_it(org, api):
    c = drive(org, register(org), "closed")
    draft = api("sam").post(f"/complaints/{c.number}/knowledge-draft").json()
    api("sam").post(f"/knowledge/articles/{draft['id']}/publish")
    assert api("holly").get(f"/knowledge/articles/{draft['id']}").json()["source_complaint"] is None
    assert api("amy").get(f"/knowledge/articles/{draft['id']}").json()["source_complaint"] == c.number
