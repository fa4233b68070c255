"""Knowledge base API: search and read articles, write and publish them (supervisors, managers,
admins), suggestions for a complaint, recording a use, and the draft made from a resolved complaint."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from loopdesk.api.schemas import Strict
from loopdesk.complaints.access import access_complaint, visible_complaints
from loopdesk.core.errors import ValidationFailed
from loopdesk.knowledge import articles, suggest
from loopdesk.knowledge.models import Article, ArticleStatus

router = Router(tags=["knowledge"])
MAX_LIMIT = 100


class ArticleIn(Strict):
    title: str
    problem_type: str = ""
    keywords: str = ""
    script: str = ""
    solution: str = ""


class ArticleOut(Schema):
    id: int
    title: str
    problem_type: str | None
    keywords: str
    script: str
    solution: str
    status: str
    source_complaint: str | None
    author: str
    reviewer: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    usage_count: int


class ArticlePage(Schema):
    items: list[ArticleOut]
    total: int


class ArticleFilters(Schema):
    q: str = ""
    problem_type: str = ""
    status: str = ""
    offset: int = 0
    limit: int = 25


class ArticleSuggestionOut(Schema):
    article: ArticleOut
    tier: int
    score: int
    used: bool


class UseOut(Schema):
    article: int
    complaint: str
    created: bool
    usage_count: int


def _sources(user, rows: list[Article]) -> dict[int, str]:
    """Source complaint numbers, only for complaints the caller may see (one query for all rows)."""
    ids = {a.source_complaint_id for a in rows if a.source_complaint_id}
    if not ids:
        return {}
    return dict(visible_complaints(user).filter(pk__in=ids).values_list("pk", "number"))


def _out(a: Article, sources: dict[int, str]) -> dict:
    return {"id": a.pk, "title": a.title, "problem_type": a.problem_type.code if a.problem_type_id else None,
            "keywords": a.keywords, "script": a.script, "solution": a.solution, "status": a.status,
            "source_complaint": sources.get(a.source_complaint_id), "author": a.author.username,
            "reviewer": a.reviewer.username if a.reviewer_id else None, "created_at": a.created_at,
            "updated_at": a.updated_at, "published_at": a.published_at, "usage_count": a.usage_count}


def _one(user, article_id: int) -> dict:
    a = articles.get_article(user, article_id)
    return _out(a, _sources(user, [a]))


def _input(payload: ArticleIn) -> articles.ArticleInput:
    return articles.ArticleInput(**payload.model_dump())


@router.get("/knowledge/articles", response=ArticlePage)
def list_articles(request, filters: Query[ArticleFilters]):
    """Most used first. `q` searches title, keywords, script and solution (Chinese or English)."""
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))
    if filters.offset < 0:
        raise ValidationFailed.single("offset", _("The number is out of range."))
    if filters.status and filters.status not in ArticleStatus.values:
        raise ValidationFailed.single("status", _("Choose one of: %(choices)s.")
                                      % {"choices": ", ".join(ArticleStatus.values)})
    qs = articles.find(request.auth, q=filters.q, problem_type=filters.problem_type, status=filters.status)
    rows = list(qs.select_related("author", "reviewer")[filters.offset: filters.offset + filters.limit])
    sources = _sources(request.auth, rows)
    return {"items": [_out(a, sources) for a in rows], "total": qs.count()}


@router.post("/knowledge/articles", response={201: ArticleOut})
def create_article(request, payload: ArticleIn):
    a = articles.create(_input(payload), actor=request.auth)
    return 201, _one(request.auth, a.pk)


@router.get("/knowledge/articles/{article_id}", response=ArticleOut)
def get_article(request, article_id: int):
    return _one(request.auth, article_id)


@router.put("/knowledge/articles/{article_id}", response=ArticleOut)
def update_article(request, article_id: int, payload: ArticleIn):
    articles.update(article_id, _input(payload), actor=request.auth)
    return _one(request.auth, article_id)


@router.post("/knowledge/articles/{article_id}/publish", response=ArticleOut)
def publish_article(request, article_id: int):
    articles.publish(article_id, actor=request.auth)
    return _one(request.auth, article_id)


@router.post("/knowledge/articles/{article_id}/retire", response=ArticleOut)
def retire_article(request, article_id: int):
    articles.retire(article_id, actor=request.auth)
    return _one(request.auth, article_id)


@router.get("/complaints/{number}/knowledge", response=list[ArticleSuggestionOut])
def complaint_suggestions(request, number: str):
    """Published articles for this complaint: its type first, then by words shared with its text."""
    c = access_complaint(request.auth, number)
    found = suggest.suggestions(c, limit=10)
    sources = _sources(request.auth, [s.article for s in found])
    return [{"article": _out(s.article, sources), "tier": s.tier, "score": s.score, "used": s.used}
            for s in found]


@router.post("/complaints/{number}/knowledge/{article_id}/use", response={200: UseOut, 201: UseOut})
def use_article(request, number: str, article_id: int):
    """Record that the article was used on the complaint; counted once per complaint."""
    _use, created = suggest.record_use(article_id, number, actor=request.auth)
    count = Article.objects.filter(pk=article_id).values_list("usage_count", flat=True).get()
    return (201 if created else 200), {"article": article_id, "complaint": number, "created": created,
                                       "usage_count": count}


@router.post("/complaints/{number}/knowledge-draft", response={200: ArticleOut, 201: ArticleOut})
def draft_from_complaint(request, number: str):
    """A draft article prefilled from a resolved, closed or archived complaint (writers only)."""
    a, created = articles.draft_from_complaint(number, actor=request.auth)
    return (201 if created else 200), _one(request.auth, a.pk)
