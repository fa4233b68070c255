"""Chinese-aware keyword search without a dictionary (character bigrams), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from loopdesk.complaints.models import Complaint
from loopdesk.core.textsearch import index_text, search, tokens


@pytest.mark.parametrize(("text", "expected"), [
    ("洗衣机", ["洗衣", "衣机"]),
    ("洗", ["洗"]),
    ("无法启动", ["无法", "法启", "启动"]),
    ("iPhone 15 坏了", ["iphone", "15", "坏了"]),
    ("10月28日购买", ["10", "月", "28", "日购", "购买"]),
    ("订单号：A-2026-001，快递！", ["订单", "单号", "a", "2026", "001", "快递"]),
    ("", []),
    ("？！，。", []),
])
def test_tokens_are_cjk_bigrams_and_lowercase_words(text, expected):
    assert tokens(text) == expected


def test_the_index_keeps_each_token_once_in_order():
    assert index_text("洗衣机坏了", None, "洗衣机", "") == "洗衣 衣机 机坏 坏了"


@pytest.fixture
def washer(org, register):
    return register(subject="洗衣机无法启动", description="10月28日购买的洗衣机今日无法启动",
                    order_no="JD20261028", product="TurboWash 9kg")


@pytest.fixture
def other(org, register):
    return register(subject="快递延误", description="快递一周未送达", customer={"phone": "13900000001"})


def found(query: str) -> set[str]:
    return set(search(Complaint.objects.all(), query).values_list("number", flat=True))


@pytest.mark.parametrize("query", ["洗衣机", "无法启动", "购买的洗衣机", "洗", "机", "TurboWash", "turbo", "TURBOW",
                                   "jd2026", "洗衣机 turbo"])
def test_it_finds_the_complaint_by_a_piece_of_its_text(query, washer, other):
    assert found(query) == {washer.number}


@pytest.mark.parametrize("query", ["洗衣机坏了", "冰箱", "turbowasher", "洗 冰"])
def test_all_query_tokens_must_be_present(query, washer, other):
    assert found(query) == set()


def test_a_one_character_query_finds_every_complaint_containing_it(washer, other):
    assert found("延") == {other.number}
    assert found("日") == {washer.number}


def test_an_empty_query_leaves_the_list_alone_and_punctuation_finds_nothing(washer, other):
    assert found("") == {washer.number, other.number}
    assert found("，。！") == set()


def test_the_complaint_number_is_searchable(washer, other):
    assert found(washer.number) == {washer.number}


def test_search_composes_with_other_filters(washer, other):
    qs = search(Complaint.objects.filter(pk=other.pk), "洗衣机")
    assert not qs.exists()


def test_a_one_word_search_gets_a_time_budget_then_the_index(db):
    from django.db import connection

    from loopdesk.core.textsearch import within_budget

    tries = []

    def fetch(search_through_index=None):
        tries.append(search_through_index)
        if search_through_index is None and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(2)")  # longer than the budget: cancelled
        return ["page"]

    assert within_budget("洗衣机", fetch) == ["page"]
    assert tries == ([None, True] if connection.vendor == "postgresql" else [None])
    tries.clear()
    assert within_budget("洗衣机 漏水", fetch) == ["page"]  # several words go through the index anyway
    assert within_budget("", fetch) == ["page"]
    assert tries == [None, None]
