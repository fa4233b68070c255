"""Articles suggested while handling a complaint, and recording that one was used.

Published articles of the complaint's own type come first, then its type family (same root),
then general articles, then other types that share words with the complaint. Within a tier the
article sharing the most character bigrams with the subject and description wins; keywords and
title count double, because an author put them there to be matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.access import access_complaint, relations
from loopdesk.complaints.models import OPEN_STATUSES, Complaint, EventKind, Status
from loopdesk.complaints.timeline import event
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.core.errors import Conflict, NotAllowed, NotFound
from loopdesk.core.textsearch import tokens
from loopdesk.knowledge.models import Article, ArticleStatus, ArticleUse

# Statuses in which a complaint is still being handled or followed up; archived ones are read-only.
USABLE = (*OPEN_STATUSES, Status.RESOLVED, Status.CALLBACK_PENDING)
# Whoever may talk to the customer or record progress on the complaint may say they used an article.
USE_ACTIONS = ("communicate", "note")
MAX_TOKENS = 48
MAX_CANDIDATES = 200
TIER_TYPE, TIER_FAMILY, TIER_GENERAL, TIER_OTHER = range(4)


@dataclass
class Suggestion:
    article: Article
    tier: int
    score: int
    used: bool = False


def _complaint_tokens(c: Complaint) -> list[str]:
    # Subject first: when the description is long, its words are the ones worth keeping.
    return list(dict.fromkeys([*tokens(c.subject), *tokens(c.description)]))[:MAX_TOKENS]


def _any_token(qs: QuerySet[Article], toks: list[str]) -> QuerySet[Article]:
    if not toks:
        return qs.none()
    if connection.vendor == "postgresql":
        terms = " | ".join(f"'{t}'" for t in toks)  # tokens are CJK runs or [0-9a-z]+, never quotes
        # Fixed column; the query is a parameter.
        return qs.filter(RawSQL(
            "to_tsvector('simple', \"knowledge_article\".\"search_text\") @@ to_tsquery('simple', %s)",
            [terms], output_field=BooleanField()))
    match = Q()
    for tok in toks:
        match |= Q(search_text__contains=tok)
    return qs.filter(match)


def _family(type_id: int | None) -> tuple[set[int], set[int]]:
    """(the type itself, every type under the same root)."""
    if type_id is None:
        return set(), set()
    types = list(problem_types_by_code().values())
    own = next((p for p in types if p.pk == type_id), None)
    if own is None:
        return {type_id}, {type_id}
    root = own.parent_id or own.pk
    return {type_id}, {p.pk for p in types if p.pk == root or p.parent_id == root}


def suggestions(c: Complaint, *, limit: int = 5) -> list[Suggestion]:
    own, family = _family(c.problem_type_id)
    toks = _complaint_tokens(c)
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    related = Q(problem_type_id__in=family) | Q(problem_type__isnull=True)
    candidates = ((published.filter(related) | _any_token(published, toks))
                  .select_related("problem_type", "author", "reviewer")
                  .annotate(used_here=Exists(ArticleUse.objects.filter(article_id=OuterRef("pk"), complaint_id=c.pk)))
                  .order_by("-usage_count", "-id")[:MAX_CANDIDATES])
    wanted = set(toks)
    ranked = []
    for a in candidates:
        strong = set(tokens(a.title)) | set(tokens(a.keywords))
        score = len(wanted & set(a.search_text.split())) + len(wanted & strong)
        if a.problem_type_id in own:
            tier = TIER_TYPE
        elif a.problem_type_id in family:
            tier = TIER_FAMILY
        elif a.problem_type_id is None:
            tier = TIER_GENERAL
        elif score:
            tier = TIER_OTHER
        else:
            continue
        ranked.append(Suggestion(a, tier, score, used=a.used_here))
    ranked.sort(key=lambda s: (s.tier, -s.score, -s.article.usage_count, -s.article.pk))
    return ranked[:limit]


def _may_use(user: User, c: Complaint) -> bool:
    rules = [TRANSITIONS[a] for a in USE_ACTIONS]
    if any(user.role in t.roles for t in rules):
        return True
    rel = relations(user, c)  # queries: only when the role alone does not decide
    return any(t.relations & rel for t in rules)


def can_use(user: User, c: Complaint) -> bool:
    return c.status in USABLE and _may_use(user, c)


@transaction.atomic
def record_use(article_id: int, number: str, *, actor: User) -> tuple[ArticleUse, bool]:
    """Count the article once for this complaint and put it on the complaint's timeline."""
    c = access_complaint(actor, number, for_update=True)
    article = Article.objects.filter(pk=article_id, status=ArticleStatus.PUBLISHED).first()
    if article is None:
        raise NotFound(_("Article not found."))
    if not _may_use(actor, c):
        raise NotAllowed(_("Only those handling the complaint can record that an article was used."))
    if c.status not in USABLE:
        raise Conflict(_("The complaint is %(status)s; nothing can be added to it.")
                       % {"status": c.get_status_display()})
    existing = ArticleUse.objects.filter(article=article, complaint=c).first()
    if existing is not None:
        return existing, False
    try:
        # The complaint's row lock already serialises clicks (on PostgreSQL); the savepoint covers the rest.
        with transaction.atomic():
            use = ArticleUse.objects.create(article=article, complaint=c, used_by=actor)
    except IntegrityError:
        return ArticleUse.objects.get(article=article, complaint=c), False
    # F(): concurrent uses on different complaints must not lose increments.
    Article.objects.filter(pk=article.pk).update(usage_count=F("usage_count") + 1)
    event(c, EventKind.NOTE, actor=actor, action="use_article", after={"article": article.pk},
          note=article.title)
    return use, True
