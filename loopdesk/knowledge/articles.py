"""Knowledge articles: who may read and write them, writing, publishing, searching, and the draft
made from a resolved complaint. Views and the API call these; nothing else writes articles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.classification.models import ProblemType
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.access import access_complaint
from loopdesk.complaints.models import Complaint, CustomerResponse, EventKind, SolutionStatus, Status
from loopdesk.complaints.timeline import event
from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from loopdesk.core.textsearch import index_text, search
from loopdesk.knowledge.models import Article, ArticleStatus

# Supervisors, managers and administrators curate the knowledge base; all staff read what is published.
WRITER_ROLES = {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
# A complaint teaches something once it is resolved; callback-pending complaints are resolved too.
DRAFTABLE = (Status.RESOLVED, Status.CALLBACK_PENDING, Status.CLOSED, Status.ARCHIVED)
MAX_QUERY_LENGTH = 200


@dataclass
class ArticleInput:
    title: str
    problem_type: str = ""  # code; empty = general article
    keywords: str = ""
    script: str = ""
    solution: str = ""


def can_write(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in WRITER_ROLES


def visible_articles(user: User, qs: QuerySet[Article] | None = None) -> QuerySet[Article]:
    qs = Article.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if can_write(user):
        return qs
    return qs.filter(status=ArticleStatus.PUBLISHED)


def get_article(user: User, pk: int, *, for_update: bool = False) -> Article:
    """An article the user may read; drafts are 'not found' for readers, like invisible complaints."""
    qs = visible_articles(user).select_related("problem_type", "author", "reviewer", "source_complaint")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    article = qs.filter(pk=pk).first()
    if article is None:
        raise NotFound(_("Article not found."))
    return article


def find(user: User, *, q: str = "", problem_type: str = "", status: str = "") -> QuerySet[Article]:
    """Search in Chinese or English; a root type includes its sub-types."""
    qs = visible_articles(user).select_related("problem_type")
    if status:
        qs = qs.filter(status=status)
    if problem_type:
        types = problem_types_by_code()
        ids = [p.pk for p in types.values() if problem_type in (p.code, p.parent.code if p.parent_id else None)]
        qs = qs.filter(problem_type_id__in=ids)
    if q.strip():
        qs = search(qs, q[:MAX_QUERY_LENGTH])
    return qs


def searchable(article: Article) -> str:
    pt = article.problem_type
    names = [pt.name_zh, pt.name_en, pt.parent.name_zh if pt.parent_id else ""] if pt else []
    return index_text(article.title, article.keywords, article.script, article.solution, *names)


def require_writer(actor: User) -> None:
    if not can_write(actor):
        raise NotAllowed(_("Only supervisors, managers and administrators write knowledge articles."))


def _validated(data: ArticleInput) -> tuple[dict, ProblemType | None]:
    errors: dict[str, list] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > 200:
        errors["title"] = [_("Use at most %(n)s characters.") % {"n": 200}]
    if len((data.keywords or "").strip()) > 300:
        errors["keywords"] = [_("Use at most %(n)s characters.") % {"n": 300}]
    if not (data.script or "").strip() and not (data.solution or "").strip():
        errors["script"] = [_("Write the standard script, the solution, or both.")]
    pt = None
    if data.problem_type:
        pt = problem_types_by_code().get(data.problem_type)
        if pt is None or not pt.active:
            errors["problem_type"] = [_("Unknown problem type.")]
    if errors:
        raise ValidationFailed(errors)
    fields = {"title": title, "keywords": " ".join((data.keywords or "").split()),
              "script": (data.script or "").strip(), "solution": (data.solution or "").strip()}
    return fields, pt


@transaction.atomic
def create(data: ArticleInput, *, actor: User) -> Article:
    require_writer(actor)
    fields, pt = _validated(data)
    article = Article(problem_type=pt, author=actor, **fields)
    article.search_text = searchable(article)
    article.save()
    return article


@transaction.atomic
def update(pk: int, data: ArticleInput, *, actor: User) -> Article:
    require_writer(actor)
    article = get_article(actor, pk, for_update=True)
    fields, pt = _validated(data)
    for name, value in fields.items():
        setattr(article, name, value)
    article.problem_type = pt
    article.search_text = searchable(article)
    article.save(update_fields=[*fields, "problem_type", "search_text", "updated_at"])
    return article


@transaction.atomic
def publish(pk: int, *, actor: User) -> Article:
    require_writer(actor)
    article = get_article(actor, pk, for_update=True)
    if article.status == ArticleStatus.PUBLISHED:
        raise Conflict(_("The article is already published."))
    if not article.script and not article.solution:
        raise ValidationFailed.single("script", _("Write the standard script, the solution, or both."))
    article.status, article.reviewer, article.published_at = ArticleStatus.PUBLISHED, actor, timezone.now()
    article.save(update_fields=["status", "reviewer", "published_at", "updated_at"])
    return article


@transaction.atomic
def retire(pk: int, *, actor: User) -> Article:
    require_writer(actor)
    article = get_article(actor, pk, for_update=True)
    if article.status != ArticleStatus.PUBLISHED:
        raise Conflict(_("Only a published article can be retired."))
    article.status = ArticleStatus.RETIRED
    article.save(update_fields=["status", "updated_at"])
    return article


def _accepted_measures(c: Complaint) -> str:
    """The measures of the solution the customer accepted (else partly accepted), newest first."""
    answered = c.solutions.filter(status=SolutionStatus.ANSWERED).order_by("-id")
    for response in (CustomerResponse.ACCEPTED, CustomerResponse.PARTIAL):
        measures = answered.filter(customer_response=response).values_list("measures", flat=True).first()
        if measures:
            return measures
    return ""


@transaction.atomic
def draft_from_complaint(number: str, *, actor: User) -> tuple[Article, bool]:
    """A draft prefilled from a resolved complaint; asking twice returns the same open draft."""
    c = access_complaint(actor, number, for_update=True)  # first: an invisible complaint is "not found"
    require_writer(actor)
    if c.status not in DRAFTABLE:
        raise Conflict(_("Only a resolved, closed or archived complaint can become an article."))
    existing = Article.objects.filter(source_complaint=c, status=ArticleStatus.DRAFT).order_by("id").first()
    if existing is not None:
        return existing, False
    measures = _accepted_measures(c)
    solution = "\n\n".join(part for part in (measures, c.resolution_summary.strip()) if part)
    # Only the problem, never the customer: the draft carries no name, phone or order number.
    article = Article(title=c.subject[:200], problem_type=c.problem_type, solution=solution,
                      source_complaint=c, author=actor)
    article.search_text = searchable(article)
    article.save()
    event(c, EventKind.NOTE, actor=actor, action="draft_article", after={"article": article.pk},
          note=article.title)
    return article, True
