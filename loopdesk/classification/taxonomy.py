"""Reading the problem-type taxonomy."""

from __future__ import annotations

from loopdesk.classification.models import ProblemType
from loopdesk.core.memo import memo


def problem_types_by_code() -> dict[str, ProblemType]:
    """All problem types (active or not) by code, memoised per process for a few seconds."""
    return memo("problem_types", lambda: {p.code: p for p in ProblemType.objects.select_related("parent")})


def active_type(code: str) -> ProblemType | None:
    pt = problem_types_by_code().get(code)
    return pt if pt is not None and pt.active else None
