"""Suggestions of similar complaints: same problem type and product, Chinese bigram Jaccard above
the threshold, on a limited candidate set the database picks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.improvement import similar
from loopdesk.improvement.similar import THRESHOLD, jaccard, token_set

pytestmark = pytest.mark.django_db

# (a, b, same problem?) in the customers' own words.
PAIRS = [
    ("快递一周未送达，10月28日购买的洗衣机，快递一直没送到",
     "洗衣机快递还没送到，买的洗衣机快递一直没送到，已经一周了", True),
    ("App更新后闪退，App昨晚自动更新后一打开就闪退，无法远程控制门锁",
     "App闪退打不开，门锁App更新以后一打开就闪退，没法远程开门", True),
    ("快递一周未送达，10月28日购买的洗衣机，快递一直没送到", "快递员态度恶劣，送货的快递员态度很差，还骂人", False),
    ("空调不制冷，空调开机显示E5故障码，不制冷", "冰箱不制冷，冰箱买来三天就不制冷了，食物都坏了", False),
]


@pytest.mark.parametrize(("a", "b", "same"), PAIRS)
def test_the_threshold_separates_the_same_problem_from_a_different_one(a, b, same):
    score = jaccard(token_set(a), token_set(b))
    assert (score >= THRESHOLD) is same, score


def test_bigrams_and_jaccard():
    assert token_set("快递没送到") == {"快递", "递没", "没送", "送到"}
    assert jaccard(token_set("快递没送到"), token_set("快递没送到")) == 1.0
    assert jaccard(frozenset(), token_set("快递")) == 0.0


def test_suggestions_for_a_problem(org, register, problem, clock):
    clock.shift(timedelta(days=-200))
    register(subject="洗衣机一直没送到", description="洗衣机快递一直没送到，催了几次")  # older than the window
    clock.shift(timedelta(days=200))
    linked = register()
    like = register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到，已经一周了")
    register(subject="快递员态度恶劣", description="送货的快递员态度很差，还骂人")  # same type, other words
    register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到", product="变频空调 KFR-35GW")
    register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到", problem_type="feature_fault")
    p = problem(numbers=[linked.number])
    clock.shift(timedelta(days=1))
    [s] = similar.for_problem(org.mia, p)
    assert s.complaint == like and s.score >= THRESHOLD


def test_grouped_complaints_are_not_suggested_again(org, register, problem):
    a = register()
    b = register(subject="洗衣机快递还没送到", description="买的洗衣机快递一直没送到，已经一周了")
    assert [s.complaint for s in similar.for_complaint(org.mia, a)] == [b]
    problem(title="另一个", numbers=[b.number])
    assert similar.for_complaint(org.mia, a) == []


def test_only_the_newest_candidates_are_compared(org, register, monkeypatch, django_assert_num_queries):
    a = register()
    old = register(description="10月28日购买的洗衣机，快递一直没送到")
    new = register(description="10月28日购买的洗衣机，快递一直没送到！")
    monkeypatch.setattr(similar, "CANDIDATES", 1)
    with django_assert_num_queries(1):
        found = similar.for_complaint(org.mia, a)
    assert [s.complaint for s in found] == [new] and old not in [s.complaint for s in found]
