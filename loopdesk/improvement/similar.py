"""Suggestions of complaints that belong together: same problem type and product, similar words.

Similarity is the Jaccard index of the two texts' token sets, with the tokens of the text search
(core/textsearch.py: overlapping character bigrams for Chinese, words otherwise), so it needs no
dictionary and treats 快递没送到 and 快递一直没送到 as close. The database narrows the candidates
first (type, product, not yet grouped, recent, visible to the reader; newest CANDIDATES rows) and
only those are compared in Python, so the cost does not grow with the table.

THRESHOLD: two customers describing the same problem in their own words score about 0.35-0.45
(快递一周未送达… vs 洗衣机快递还没送到), while different problems of the same type share only common
words (快递, 客服, 不制冷) and stay below 0.1 (measured on the demo stories and the pairs in
tests/improvement/test_similar.py). 0.18 sits between the two with room on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from loopdesk.accounts.models import User
from loopdesk.complaints.access import visible_complaints
from loopdesk.complaints.models import Complaint, Status
from loopdesk.core.textsearch import tokens
from loopdesk.improvement.models import Problem, ProblemComplaint

THRESHOLD = 0.18
CANDIDATES = 300
WINDOW_DAYS = 180
MAX_REFERENCES = 20
FIELDS = ("id", "number", "subject", "description", "received_at", "status", "product", "problem_type")


def token_set(*parts: str) -> frozenset[str]:
    return frozenset(tok for part in parts if part for tok in tokens(part))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Suggestion:
    complaint: Complaint
    score: float


def same_type(qs: QuerySet[Complaint], problem_type_id: int | None) -> QuerySet[Complaint]:
    """A root type covers its sub-types; a sub-type only itself."""
    if problem_type_id is None:
        return qs
    return qs.filter(Q(problem_type_id=problem_type_id) | Q(problem_type__parent_id=problem_type_id))


def candidates(user: User, *, problem_type_id: int | None, product: str, now: datetime,
               exclude: set[int] = frozenset()) -> QuerySet[Complaint]:
    qs = (visible_complaints(user)
          .exclude(status=Status.CANCELLED)
          .filter(received_at__gte=now - timedelta(days=WINDOW_DAYS))
          .exclude(Exists(ProblemComplaint.objects.filter(complaint_id=OuterRef("pk")))))
    qs = same_type(qs, problem_type_id)
    if product:
        qs = qs.filter(product=product)
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return qs.only(*FIELDS).select_related("problem_type").order_by("-received_at", "-id")[:CANDIDATES]


def rank(references: list[frozenset[str]], rows: list[Complaint], *, limit: int,
         threshold: float = THRESHOLD) -> list[Suggestion]:
    references = [r for r in references if r]
    out = []
    for c in rows:
        mine = token_set(c.subject, c.description)
        score = max((jaccard(ref, mine) for ref in references), default=0.0)
        if score >= threshold:
            out.append(Suggestion(c, round(score, 3)))
    out.sort(key=lambda s: (-s.score, -s.complaint.received_at.timestamp(), -s.complaint.pk))
    return out[:limit]


def for_problem(user: User, problem: Problem, *, limit: int = 20, now: datetime | None = None) -> list[Suggestion]:
    """Complaints to add to a problem: like its title and description or any complaint already in it."""
    linked = list(problem.complaints.order_by("-received_at").only("subject", "description")[:MAX_REFERENCES])
    references = [token_set(problem.title, problem.description)] + [token_set(c.subject, c.description)
                                                                  for c in linked]
    rows = list(candidates(user, problem_type_id=problem.problem_type_id, product=problem.product,
                           now=now or timezone.now()))
    return rank(references, rows, limit=limit)


def for_complaint(user: User, complaint: Complaint, *, limit: int = 20,
                  now: datetime | None = None) -> list[Suggestion]:
    """Complaints like this one (same type and product), to group with it."""
    rows = list(candidates(user, problem_type_id=complaint.problem_type_id, product=complaint.product,
                           now=now or timezone.now(), exclude={complaint.pk}))
    return rank([token_set(complaint.subject, complaint.description)], rows, limit=limit)


def open_problems_like(complaint: Complaint) -> QuerySet[Problem]:
    """Problems a complaint could join: not closed, same type (or its root) and product (or none)."""
    qs = Problem.objects.exclude(status="closed")
    pt = complaint.problem_type
    if pt is not None:
        qs = qs.filter(Q(problem_type__isnull=True) | Q(problem_type_id=pt.pk) | Q(problem_type_id=pt.parent_id))
    qs = qs.filter(Q(product="") | Q(product=complaint.product))
    return qs.select_related("problem_type").order_by("-id")
