"""The shortcuts of the hot paths answer exactly what the plain paths answer: the create response
(built from the objects intake holds) equals a fresh read, a list row equals the detail's summary,
and both search strategies (and the list's fallback between them) find the same complaints."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection

from loopdesk.api import complaints as complaints_api
from loopdesk.api import render, serialize
from loopdesk.api.schemas import ComplaintDetail, Page
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.core.textsearch import search
from tests.api.support import register
from tests.conftest import complaint_payload

SUMMARY_KEYS = ("number", "status", "status_label", "channel", "subject", "priority", "severity", "risk",
                "problem_type", "department", "owner", "customer", "received_at", "registered_at", "is_repeat",
                "escalation_level")


def _register(org, customer: CustomerInput, **over) -> Complaint:
    data = IntakeInput(channel="TEL", subject="包裹破损", description="收到的包裹外箱破损", customer=customer, **over)
    return register_complaint(data, actor=org.amy).complaint


def _timeless(body: dict) -> dict:
    # Time left on a clock changes between two requests; everything else must not.
    out = {k: v for k, v in body.items() if k != "suggestions"}
    out["deadlines"] = [{k: v for k, v in d.items() if k not in ("remaining_seconds", "paused_seconds")}
                        for d in body["deadlines"]]
    return out


@pytest.mark.parametrize(("user", "lang", "over"), [
    ("amy", "zh-hans", {}),
    ("amy", "en", {"compensation_amount": "100", "compensation_kind": "refund",
                   "expected_resolution_at": "2026-11-30T18:00:00+08:00"}),
    ("hank", "zh-hans", {"compensation_amount": "99.5", "received_at": "2026-11-23T01:02:03.456789-05:00",
                         "problem_type": "product_function", "risk": "high"}),
    ("mia", "en", {"customer": {"anonymous": True, "name": ""}, "compensation_amount": 12,
                   "problem_type": "", "severity": "urgent"}),
    ("sam", "zh-hans", {"customer": {"name": "李女士", "email": "li.nv@example.com", "member_no": "M-001",
                                     "level": "vip"}, "channel": "MAIL"}),
    ("amy", "zh-hans", {"description": "洗衣机无法使用，再不处理就投诉到12315并找律师"}),
])
def test_the_create_response_equals_a_fresh_read(api, org, user, lang, over):
    client = api(user, lang)
    for _ in range(2):  # the second is a repeat of the first (same customer and type)
        created = client.post("/complaints", complaint_payload(**over))
        assert created.status_code == 201, created.content
        read = client.get(f"/complaints/{created.json()['number']}")
        assert read.status_code == 200
        assert _timeless(created.json()) == _timeless(read.json())
        # Written without ninja's validation pass (render.answer): it must need none.
        body = created.json()
        again = json.loads(render.dumps(ComplaintDetail.model_validate(body).model_dump()))
        assert body == again


def test_an_idempotent_retry_answers_the_first_complaint(api, org):
    client = api("amy")
    first = client.post("/complaints", complaint_payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k-1"})
    again = client.post("/complaints", complaint_payload(), headers={"HTTP_IDEMPOTENCY_KEY": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert _timeless(first.json()) == _timeless(again.json())


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("user", ["amy", "hank"])
def test_a_list_row_equals_the_summary_of_the_detail(api, org, lang, user):
    register(org)
    _register(org, CustomerInput(anonymous=True), problem_type="product_function", severity="urgent")
    register(org, by="hank", phone="13900001111", problem_type="", channel="MAIL")
    _register(org, CustomerInput(name="王先生", email="wang@example.com", level="vip"), problem_type="refund")
    client = api(user, lang)
    items = client.get("/complaints", {"limit": 100}).json()["items"]
    assert items
    for item in items:
        detail = client.get(f"/complaints/{item['number']}").json()
        assert item == {k: detail[k] for k in SUMMARY_KEYS}
        assert list(item) == list(SUMMARY_KEYS)


@pytest.fixture
def texts(org):
    for i, (subject, description) in enumerate([
        ("洗衣机漏水", "上周买的洗衣机漏水严重"), ("手机黑屏", "手机无法开机，快递送来就坏"),
        ("空调不制冷", "空调安装后不制冷"), ("快递延误", "快递一周未送达，退款也没到"),
        ("TurboWash 9kg", "JD20261028 订单的洗衣机无法启动"),
    ]):
        register(org, subject=subject, description=description, phone=f"1390000{i:04d}")
    return Complaint.objects.all()


@pytest.mark.parametrize("query", ["洗衣机", "手机 空调", "快递 退款", "洗衣机 jd2026", "turbo 洗衣", "快递",
                                   "洗衣机 漏水 上周", "空调 空调", "jd 9kg", "不存在 的词"])
def test_both_search_strategies_find_the_same_complaints(texts, query):
    def found(use_index):
        return set(search(texts, query, use_index=use_index).values_list("number", flat=True))

    assert found(True) == found(False) == found(None)


def test_a_search_past_its_budget_is_answered_through_the_index(api, org, texts, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the budget applies to PostgreSQL")
    expected = api("amy").get("/complaints", {"q": "洗衣机"}).json()
    assert _statement_timeout() == "0"  # the budget does not outlive the search
    calls = []
    real = serialize.summary_rows

    def first_times_out(qs, **kwargs):
        calls.append(qs)
        if len(calls) == 1:
            cause = type("QueryCanceled", (Exception,), {"sqlstate": "57014"})()
            raise OperationalError("canceling statement due to statement timeout") from cause
        return real(qs, **kwargs)

    monkeypatch.setattr(complaints_api.serialize, "summary_rows", first_times_out)
    assert api("amy").get("/complaints", {"q": "洗衣机"}).json() == expected
    assert len(calls) == 2
    assert _statement_timeout() == "0"


def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("user", ["amy", "hank"])
def test_the_list_answers_exactly_what_its_schema_validates_to(api, org, user):
    # The list is written without ninja's validation pass (render.answer): it must need none.
    register(org)
    _register(org, CustomerInput(anonymous=True), problem_type="product_function")
    register(org, by="hank", phone="13900001111", problem_type="", channel="MAIL")
    client = api(user, "zh-hans")
    for limit in (1, 100):  # with a next page, and the last page
        body = client.get("/complaints", {"limit": limit}).json()
        assert body["items"] and (body["next_cursor"] is None) == (limit == 100)
        assert body == json.loads(render.dumps(Page.model_validate(body).model_dump()))
