"""Classification suggestions from the customer's words. Shown to people, never applied silently."""

from __future__ import annotations

from dataclasses import dataclass, field

from loopdesk.classification.models import KeywordRule, Severity, SuggestionField
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.core.memo import memo

# Three or more exclamation marks read as strong emotion, which the SPEC treats as urgent.
_EMOTION_MARKS = ("!!!", "！！！")


@dataclass
class Suggestion:
    field: str
    value: str
    score: int = 0
    keywords: list[str] = field(default_factory=list)
    label: str = ""


_RANK = {"severity": ["normal", "important", "urgent"], "risk": ["none", "low", "medium", "high"]}


def suggest(text: str) -> list[Suggestion]:
    """Best value per field. For severity and risk the most serious matched value wins."""
    found: dict[tuple[str, str], Suggestion] = {}
    for rule in memo("keyword_rules", lambda: list(KeywordRule.objects.filter(active=True))):
        if rule.keyword and rule.keyword.lower() in text.lower():
            s = found.setdefault((rule.field, rule.value), Suggestion(rule.field, rule.value))
            s.score += rule.weight
            s.keywords.append(rule.keyword)
    if any(mark in text for mark in _EMOTION_MARKS):
        s = found.setdefault((SuggestionField.SEVERITY, Severity.URGENT),
                             Suggestion(SuggestionField.SEVERITY, Severity.URGENT))
        s.score += 1
        s.keywords.append("！！")
    best: dict[str, Suggestion] = {}
    for s in found.values():
        rank = _RANK.get(s.field)
        cur = best.get(s.field)
        key = (rank.index(s.value) if rank and s.value in rank else 0, s.score)
        if cur is None or key > (rank.index(cur.value) if rank and cur.value in rank else 0, cur.score):
            best[s.field] = s
    type_sugg = best.get(SuggestionField.TYPE)
    if type_sugg:
        pt = problem_types_by_code().get(type_sugg.value)
        if pt is None:
            best.pop(SuggestionField.TYPE)
        else:
            type_sugg.label = pt.display_name
    return list(best.values())
