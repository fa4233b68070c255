"""Knowledge pages: list and search, the article, the edit form, publish/retire, a draft from a
resolved complaint, and "used this" from the complaint page. Each parses and calls the domain."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loopdesk.complaints.access import visible_complaints
from loopdesk.core.errors import ValidationFailed
from loopdesk.knowledge import articles, suggest
from loopdesk.knowledge.forms import ArticleForm, SearchForm
from loopdesk.knowledge.models import Article
from loopdesk.web.views.common import add_domain_errors, guarded_view, staff_view

PAGE_SIZE = 20


@require_GET
@staff_view
def article_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    writer = articles.can_write(user)
    form = SearchForm(request.GET or None, writer=writer)
    data = form.cleaned_data if form.is_valid() else {}
    qs = articles.find(user, q=data.get("q", ""), problem_type=data.get("problem_type", ""),
                       status=data.get("status", ""))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "knowledge/list.html", {
        "nav": "knowledge", "form": form, "rows": rows[:PAGE_SIZE], "total": qs.count(), "page": page,
        "has_next": len(rows) > PAGE_SIZE, "has_prev": page > 1, "query": query.urlencode(), "writer": writer,
    })


@require_GET
@guarded_view
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    user = request.user
    a = articles.get_article(user, article_id)
    source = None
    if a.source_complaint_id:
        source = visible_complaints(user).filter(pk=a.source_complaint_id).values_list("number", flat=True).first()
    uses = list(a.uses.select_related("complaint", "used_by").order_by("-used_at", "-id")[:10])
    visible = set(visible_complaints(user).filter(pk__in=[u.complaint_id for u in uses]).values_list("pk", flat=True))
    return render(request, "knowledge/article.html", {
        "nav": "knowledge", "a": a, "writer": articles.can_write(user), "source": source,
        "uses": [u for u in uses if u.complaint_id in visible],
    })


def _input(form: ArticleForm) -> articles.ArticleInput:
    d = form.cleaned_data
    return articles.ArticleInput(title=d["title"], problem_type=d.get("problem_type") or "",
                                 keywords=d.get("keywords", ""), script=d.get("script", ""),
                                 solution=d.get("solution", ""))


def _edit(request: HttpRequest, article: Article | None) -> HttpResponse:
    user = request.user
    articles.require_writer(user)
    initial = {}
    if article is not None:
        initial = {"title": article.title, "keywords": article.keywords, "script": article.script,
                   "solution": article.solution,
                   "problem_type": article.problem_type.code if article.problem_type_id else ""}
    form = ArticleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if article is None:
                article = articles.create(_input(form), actor=user)
            else:
                article = articles.update(article.pk, _input(form), actor=user)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:article", article_id=article.pk)
    return render(request, "knowledge/edit.html", {"nav": "knowledge", "form": form, "a": article},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@guarded_view
def article_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@guarded_view
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    return _edit(request, articles.get_article(request.user, article_id))


def _change(request: HttpRequest, article_id: int, step, done: str) -> HttpResponse:
    try:
        step(article_id, actor=request.user)
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, done)
    return redirect("knowledge:article", article_id=article_id)


@require_POST
@guarded_view
def article_publish(request: HttpRequest, article_id: int) -> HttpResponse:
    return _change(request, article_id, articles.publish, _("Article published."))


@require_POST
@guarded_view
def article_retire(request: HttpRequest, article_id: int) -> HttpResponse:
    return _change(request, article_id, articles.retire, _("Article retired."))


@require_POST
@guarded_view
def draft_from_complaint(request: HttpRequest, number: str) -> HttpResponse:
    article, created = articles.draft_from_complaint(number, actor=request.user)
    messages.success(request, _("Draft article created from the complaint.") if created
                     else _("This complaint already has a draft article."))
    return redirect("knowledge:edit", article_id=article.pk)


@require_POST
@guarded_view
def use_on_complaint(request: HttpRequest, article_id: int, number: str) -> HttpResponse:
    _use, created = suggest.record_use(article_id, number, actor=request.user)
    if created:
        messages.success(request, _("Recorded on the complaint's timeline."))
    return redirect(reverse("web:complaint", args=[number]) + "#knowledge")
