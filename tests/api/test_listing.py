"""The complaint list: filters, Chinese keyword search, keyset pagination, orders, masking and a
query count that does not grow with the page size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint
from tests.api.support import register

NOW = timezone.now()


def _ago(**kw):
    return NOW - timedelta(**kw)


def _iso(moment) -> str:
    return moment.isoformat()


@pytest.fixture
def world(org):
    """Five complaints that differ in every filterable way."""
    washer = register(org, phone="13812341234", customer_name="张先生", problem_type="delivery_delay",
                      subject="快递一周未送达", description="10月28日购买的洗衣机今日无法启动，快递也一直没送到",
                      order_no="DD1001", received_at=_ago(days=3))
    refund = register(org, channel="MAIL", phone="13900001111", customer_name="李女士", problem_type="refund",
                      subject="申请退款无人处理", description="退款申请提交十天了还没有到账", severity="urgent",
                      received_at=_ago(days=1))
    actions.accept(refund.number, actor=org.ada)
    app = register(org, channel="WEB", phone="13700002222", customer_name="王先生", problem_type="feature_fault",
                   subject="APP闪退", description="打开订单页面就闪退，已经重装过", received_at=_ago(hours=5))
    lost = register(org, channel="CHAT", phone="13600003333", customer_name="赵女士", problem_type="lost_damaged",
                    subject="包裹破损", description="收到的包裹外箱破损，里面的杯子碎了", received_at=_ago(hours=2))
    again = register(org, phone="13812341234", customer_name="张先生", problem_type="delivery_delay",
                     subject="还是没送到", description="洗衣机的快递还是没有送到，第二次来电",
                     received_at=_ago(hours=1))
    Complaint.objects.filter(pk=washer.pk).update(registered_at=_ago(days=3))
    Complaint.objects.filter(pk=refund.pk).update(registered_at=_ago(days=1))
    return {k: Complaint.objects.get(pk=v.pk) for k, v in
            {"washer": washer, "refund": refund, "app": app, "lost": lost, "again": again}.items()}


def _numbers(api, params, user="amy"):
    r = api(user, "en").get("/complaints", {"limit": 100, **params})
    assert r.status_code == 200, r.content
    return {i["number"] for i in r.json()["items"]}


def _pick(world, *names):
    return {world[n].number for n in names}


def test_filters_select_exactly_the_matching_complaints(api, org, world):
    w = world
    assert w["again"].is_repeat and w["again"].repeat_of_id == w["washer"].pk
    cases = [
        ({}, ("washer", "refund", "app", "lost", "again")),
        ({"status": "accepted"}, ("refund",)),
        ({"status": "new,accepted"}, ("washer", "refund", "app", "lost", "again")),
        ({"problem_type": "delivery_delay"}, ("washer", "again")),
        ({"problem_type": "logistics"}, ("washer", "lost", "again")),  # a root code covers its sub-types
        ({"problem_type": "refund,feature_fault"}, ("refund", "app")),
        ({"priority": "A"}, ("refund",)),
        ({"priority": "C"}, ("washer", "app", "lost", "again")),
        ({"channel": "MAIL"}, ("refund",)),
        ({"channel": "WEB,CHAT"}, ("app", "lost")),
        ({"department": "tech"}, ("app",)),
        ({"department": "logistics"}, ("washer", "lost", "again")),
        ({"owner": "holly"}, ("app",)),
        ({"owner": str(org.holly.pk)}, ("app",)),
        ({"customer": w["washer"].customer_id}, ("washer", "again")),
        ({"customer_phone": "13812341234"}, ("washer", "again")),
        ({"customer_phone": "1381234"}, ()),  # exact, not a prefix
        ({"order_no": "DD1001"}, ("washer",)),
        ({"is_repeat": "true"}, ("again",)),
        ({"is_repeat": "false"}, ("washer", "refund", "app", "lost")),
        ({"received_from": _iso(_ago(days=2))}, ("refund", "app", "lost", "again")),
        ({"received_to": _iso(_ago(days=2))}, ("washer",)),
        ({"received_from": _iso(_ago(hours=6)), "received_to": _iso(_ago(hours=2))}, ("app",)),  # [from, to)
        ({"registered_from": _iso(_ago(days=2))}, ("refund", "app", "lost", "again")),
        ({"registered_to": _iso(_ago(hours=12))}, ("washer", "refund")),
        ({"channel": "TEL", "is_repeat": "false"}, ("washer",)),
        ({"department": "logistics", "problem_type": "lost_damaged"}, ("lost",)),
    ]
    problems = []
    for params, expected in cases:
        got = _numbers(api, params)
        if got != _pick(w, *expected):
            problems.append(f"{params}: expected {sorted(expected)}, got {sorted(got)}")
    assert not problems, "\n".join(problems)


def test_a_handler_lists_only_the_complaints_of_their_department(api, world):
    assert _numbers(api, {}, user="holly") == _pick(world, "app")
    assert _numbers(api, {}, user="hank") == _pick(world, "washer", "lost", "again")


@pytest.mark.parametrize(("q", "expected"), [
    ("洗衣机", ("washer", "again")),
    ("洗衣", ("washer", "again")),
    ("无法启动", ("washer",)),
    ("退款", ("refund",)),
    ("申请退款", ("refund",)),
    ("闪退", ("app",)),
    ("破损", ("lost",)),
    ("洗衣机 快递", ("washer", "again")),  # every word must match
    ("洗衣机 退款", ()),
    ("机洗", ()),  # characters in the wrong order are a different word
    ("冰箱", ()),
    ("李女士", ("refund",)),  # the customer's name
    ("DD1001", ("washer",)),  # the order number
    ("app", ("app",)),  # latin words ignore case
])
def test_chinese_keyword_search_finds_words_inside_unsegmented_text(api, world, q, expected):
    assert _numbers(api, {"q": q}) == _pick(world, *expected)


def test_search_by_number_and_combined_with_filters(api, world):
    assert _numbers(api, {"q": world["lost"].number}) == _pick(world, "lost")
    assert _numbers(api, {"q": "洗衣机", "is_repeat": "true"}) == _pick(world, "again")


def test_a_query_of_only_punctuation_finds_nothing_rather_than_everything(api, world):
    assert _numbers(api, {"q": "！？。"}) == set()


def _pages(api, params, *, between=None):
    """Walk all pages; `between(page_no)` runs after each page, to simulate concurrent intake."""
    seen, cursor, page_no = [], None, 0
    while True:
        r = api("amy").get("/complaints", {**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.content
        seen += [i["number"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        page_no += 1
        if between:
            between(page_no)
        if not cursor:
            return seen
        assert page_no < 100


@pytest.mark.parametrize("order", ["-registered", "-received", "received"])
def test_pagination_has_no_duplicates_or_gaps_while_complaints_keep_arriving(api, org, order):
    # Several complaints share one received time: the id breaks the tie.
    same_moment = _ago(hours=3)
    for i in range(13):
        register(org, phone=f"1390000{i:04d}", received_at=same_moment if i % 3 == 0 else _ago(minutes=10 * i + 1))
    full = _pages(api, {"order": order, "limit": 100})
    assert len(full) == 13 and len(set(full)) == 13

    arrivals = []

    def intake(page_no):
        # New complaints during the walk: received both before and after everything seen so far.
        for j, when in enumerate((_ago(minutes=1), _ago(days=5))):
            arrivals.append(register(org, phone=f"1370000{page_no}{j:03d}", received_at=when).number)

    walked = _pages(api, {"order": order, "limit": 4}, between=intake)
    assert len(walked) == len(set(walked)), "a complaint was listed twice"
    assert [n for n in walked if n not in arrivals] == full, "a complaint was skipped or moved"
    if order == "-registered":
        assert not set(walked) & set(arrivals), "newer complaints belong before page 1, not on later pages"


def test_the_orders_sort_by_registration_and_by_received_time(api, world):
    by_registered = [i["number"] for i in api("amy").get("/complaints", {"limit": 100}).json()["items"]]
    assert by_registered == [c.number for c in sorted(world.values(), key=lambda c: -c.pk)]
    newest_received = [i["number"] for i in api("amy").get(
        "/complaints", {"order": "-received", "limit": 100}).json()["items"]]
    assert newest_received == [c.number for c in sorted(world.values(), key=lambda c: (c.received_at, c.pk),
                                                        reverse=True)]
    oldest_received = [i["number"] for i in api("amy").get(
        "/complaints", {"order": "received", "limit": 100}).json()["items"]]
    assert oldest_received == list(reversed(newest_received))


def test_page_size_is_bounded_and_defaults_to_twenty_five(api, org):
    for i in range(27):
        register(org, phone=f"1380000{i:04d}")
    client = api("amy", "en")
    r = client.get("/complaints")
    assert len(r.json()["items"]) == 25 and r.json()["next_cursor"]
    assert len(client.get("/complaints", {"limit": 1}).json()["items"]) == 1
    assert len(client.get("/complaints", {"limit": 100}).json()["items"]) == 27
    for bad in (0, -1, 101):
        r = client.get("/complaints", {"limit": bad})
        assert r.status_code == 422 and "limit" in r.json()["errors"]


def test_contact_data_is_masked_in_the_list(api, org):
    register(org, phone="13812341234")
    from loopdesk.complaints.models import Customer

    Customer.objects.update(email="zhangsan@example.com")
    r = api("amy").get("/complaints")
    customer = r.json()["items"][0]["customer"]
    assert customer["phone"] == "138****1234"
    assert customer["email"] == "z***@example.com"
    assert b"13812341234" not in r.content and b"zhangsan@" not in r.content


def test_the_number_of_queries_does_not_grow_with_the_page_size(api, org):
    for i in range(30):
        register(org, phone=f"1350000{i:04d}", problem_type="delivery_delay" if i % 2 else "lost_damaged")
    for user in ("amy", "hank", "sam"):  # sees all · department only · supervised departments
        client = api(user)
        client.get("/complaints", {"limit": 1})  # warm up (token last-used stamp)

        def count(limit: int, client=client) -> int:
            with CaptureQueriesContext(connection) as ctx:
                r = client.get("/complaints", {"limit": limit})
            assert r.status_code == 200 and len(r.json()["items"]) == min(limit, 30)
            return len(ctx.captured_queries)

        small, large = count(5), count(50)
        assert small == large, (user, small, large)
        assert large <= 6, (user, large)


def test_the_list_stays_within_a_fixed_number_of_queries(api, org, django_assert_max_num_queries):
    for i in range(10):
        register(org, phone=f"1340000{i:04d}")
    client = api("amy")
    client.get("/complaints", {"limit": 1})
    with django_assert_max_num_queries(6):
        r = client.get("/complaints", {"limit": 50, "q": "洗衣机", "problem_type": "logistics"})
    assert len(r.json()["items"]) == 10
