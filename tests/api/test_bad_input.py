"""Bad input to every write endpoint: a field-level error in `errors`, and nothing saved.

The generic cases are derived from each endpoint's request schema in the OpenAPI document
(required fields, types, max lengths, enum values, numeric bounds, unknown fields, malformed JSON),
so a new endpoint or field is covered without editing this file. Domain-level rules that the schema
cannot express (contact data, times in the future, unknown users…) are listed by hand below.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopdesk.api.root import api as ninja_api
from tests.api.support import complaint_in, snapshot
from tests.conftest import complaint_payload

SCHEMA = ninja_api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
LATER = "2026-12-01T10:00:00+08:00"
DUE_DATE = (timezone.localdate() + timedelta(days=60)).isoformat()
SCORES = {"response_speed": 4, "result": 4, "attitude": 4, "communication": 4, "comment": "还行"}


def _payload() -> dict:
    p = complaint_payload(order_no="DD20261028001", product="滚筒洗衣机", facts="物流显示已签收",
                          compensation_amount="100.00", compensation_kind="coupon")
    p.pop("received_at")
    p["customer"].update(email="zhang@example.com", member_no="M001", industry="零售")
    return p


# A valid body for every JSON write endpoint, with every field present so each can be spoiled alone.
VALID: dict[str, dict] = {
    "/auth/token": {"username": "amy", "password": "pw-amy-123", "name": "cli"},
    "/complaints": _payload(),
    "/complaints/{number}/accept": {"note": "已受理"},
    "/complaints/{number}/start": {"note": "开始处理"},
    "/complaints/{number}/wait-customer": {"reason": "等待客户提供照片"},
    "/complaints/{number}/resume": {"note": "客户已回复"},
    "/complaints/{number}/assign": {"owner_id": 1, "department_id": 1, "note": "转交"},
    "/complaints/{number}/handover": {"to_user_id": 1, "reason": "转办"},
    "/complaints/{number}/co-handlers": {"user_id": 1},
    "/complaints/{number}/reclassify": {"problem_type": "refund", "nature": "complaint", "severity": "urgent",
                                        "scope": "group", "risk": "high", "note": "重新分类"},
    "/complaints/{number}/priority": {"priority": "A", "reason": "媒体关注"},
    "/complaints/{number}/solution/approval": {"approve": True, "note": "同意"},
    "/complaints/{number}/solution/response": {"response": "accepted", "comment": "客户同意"},
    "/complaints/{number}/demand-changes": {"new_demand": "退货", "confirmation": "电话确认", "new_expected_at": LATER},
    "/complaints/{number}/resolve": {"summary": "已解决"},
    "/complaints/{number}/request-callback": {"note": "请回访"},
    "/complaints/{number}/satisfaction": SCORES,
    "/complaints/{number}/verify": {"passed": True, "really_resolved": True, "promise_kept": True,
                                    "process_compliant": True, "note": "核查通过"},
    "/complaints/{number}/reopen": {"reason": "客户仍不满意"},
    "/complaints/{number}/cancel": {"reason": "重复登记", "duplicate_of": "20261123-TEL-0001"},
    "/complaints/{number}/notes": {"text": "已联系仓库核实发货记录", "next_step": "明天回电", "next_step_owner_id": 1,
                                   "next_step_due": LATER, "customer_visible": False},
    "/complaints/{number}/communications": {"channel": "phone", "direction": "out", "summary": "已致电客户",
                                            "customer_reaction": "认可", "next_step": "等待", "at": None,
                                            "customer_visible": True},
    "/complaints/{number}/subtasks": {"title": "核查出库", "owner_id": 1, "due_at": LATER, "depends_on": []},
    "/complaints/{number}/subtasks/{subtask_id}/complete": {"result": "已核查"},
    "/complaints/{number}/solutions": {"measures": "补发", "compensation_kind": "coupon",
                                       "compensation_amount": "50.00"},
    "/complaints/{number}/escalate": {"reason": "一线无法解决", "to_level": 1, "customer_told": True},
    "/suggestions": {"text": "快递一直没送到"},
    "/survey/{token}": SCORES,
    "/alerts/{alert_id}/acknowledge": {"note": "已通知物流主管"},
    "/data-checks/scan": {"checks": ["missing_required_fields"]},
    "/data-checks/findings/{finding_id}/correct": {"changes": {"subject": "快递一周未送达"}, "reason": "补全主题"},
    "/data-checks/findings/{finding_id}/dismiss": {"reason": "客户匿名，无需联系方式"},
    "/improvement/problems": {"title": "洗衣机配送延迟", "description": "多位客户反映洗衣机快递一直没送到",
                              "problem_type": "delivery_delay", "product": "滚筒洗衣机", "owner_id": 1,
                              "numbers": []},
    "/improvement/problems/{problem_id}/complaints": {"numbers": []},
    "/improvement/problems/{problem_id}/root-cause": {"root_cause": "与快递公司无送达时效约定"},
    "/improvement/actions": {"problem_id": None, "measure": "与快递公司签订48小时送达协议",
                             "metric": "weekly_complaints", "metric_problem_type": "delivery_delay",
                             "metric_product": "滚筒洗衣机", "baseline_value": "5.00", "target_value": "2.00",
                             "owner_id": 1, "department_id": 1, "due_date": DUE_DATE, "evaluation_weeks": 4},
    "/improvement/actions/{action_id}/complete": {"result": "协议已签订"},
    "/improvement/actions/{action_id}/cancel": {"reason": "改由仓库统一处理"},
    "/knowledge/articles": {"title": "快递延迟安抚话术", "problem_type": "delivery_delay", "keywords": "快递 延迟",
                            "script": "非常抱歉，我们已联系物流加急。", "solution": "联系物流加急并补偿优惠券"},
}


def _json_writes() -> list[str]:
    out = []
    for path, ops in SCHEMA["paths"].items():
        for method, op in ops.items():
            if method == "post" and "application/json" in op.get("requestBody", {}).get("content", {}):
                out.append(path.removeprefix("/api/v1"))
    return out


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def _variants(prop: dict) -> list[dict]:
    if "anyOf" in prop:
        return [_resolve(v) for v in prop["anyOf"] if v.get("type") != "null"]
    return [_resolve(prop)]


def _kind(prop: dict) -> tuple[str, dict]:
    variants = _variants(prop)
    types = {v.get("type") for v in variants}
    if types == {"number", "string"}:
        return "decimal", next(v for v in variants if v.get("type") == "number")
    (v,) = variants
    if "enum" in v:
        return "enum", v
    if v.get("format") == "date-time":
        return "datetime", v
    return v.get("type", "?"), v


WRONG_TYPE = {"string": {"a": 1}, "integer": "many", "boolean": "maybe", "decimal": "lots", "datetime": "tomorrow",
              "array": "not-a-list", "object": "not-an-object", "enum": ["a"]}


def _spoil(root: dict, where: list[str], value=None, *, remove: bool = False) -> dict:
    body = copy.deepcopy(root)
    target = body
    for part in where[:-1]:
        target = target[part]
    if remove:
        target.pop(where[-1], None)
    else:
        target[where[-1]] = value
    return body


def _cases(schema: dict, root: dict, parts: tuple[str, ...] = ()):
    """(label, body, error path) triples, each spoiling exactly one thing of the valid body `root`."""
    schema = _resolve(schema)
    prefix = "".join(p + "." for p in parts)
    for name in schema.get("required", []):
        yield f"missing {prefix}{name}", _spoil(root, [*parts, name], remove=True), prefix + name
    if schema.get("additionalProperties") is False:
        label = f"unknown field in {prefix.rstrip('.') or 'the body'}"
        yield label, _spoil(root, [*parts, "surprise"], 1), prefix + "surprise"
    for name, prop in schema.get("properties", {}).items():
        path, where = prefix + name, [*parts, name]
        kind, info = _kind(prop)
        yield f"wrong type for {path}", _spoil(root, where, WRONG_TYPE[kind]), path
        if kind == "object":
            yield from _cases(info, root, (*parts, name))
        if kind == "string" and "maxLength" in info:
            yield f"{path} too long", _spoil(root, where, "长" * (info["maxLength"] + 1)), path
        if kind == "enum":
            yield f"{path} not a choice", _spoil(root, where, "no-such-choice"), path
        if kind == "integer" and "minimum" in info:
            yield f"{path} below minimum", _spoil(root, where, info["minimum"] - 1), path
        if kind == "integer" and "maximum" in info:
            yield f"{path} above maximum", _spoil(root, where, info["maximum"] + 1), path
        if kind == "datetime":
            yield f"{path} without time zone", _spoil(root, where, "2026-11-23T09:00:00"), path
            yield f"{path} as a number", _spoil(root, where, 1700000000), path
        if kind == "decimal":
            yield f"{path} negative", _spoil(root, where, "-1.00"), path
            yield f"{path} with too many decimals", _spoil(root, where, "1.234"), path


def _records(org, complaint) -> dict:
    """Ids for the monitoring and improvement paths: an alert, an open finding on `complaint`, a problem grouping
    it (analysed, so a root cause can be confirmed) and a planned action for it, made as sam through the domain
    (alerts and findings are written by background checks, so directly)."""
    from loopdesk.improvement import measures, problems
    from loopdesk.monitoring.models import Alert, Finding

    alert = Alert.objects.create(kind="burst", dedupe_key=f"test-{Alert.objects.count()}", dimension="region",
                                 subject_value="上海", subject_label="上海", params={"subject": "上海", "count": 9})
    finding = Finding.objects.create(check_name="missing_required_fields", complaint=complaint,
                                     detail={"fields": ["subject"]})
    problem = problems.create_problem(actor=org.sam, title="洗衣机配送延迟", problem_type="delivery_delay",
                                      numbers=[complaint.number])
    problems.record_analysis(problem.pk, actor=org.sam, causes=[], what="送达超时", why="承运商运力不足")
    action = measures.create_action(actor=org.sam, problem_id=problem.pk, measure="与快递公司签订48小时送达协议",
                                    metric="weekly_complaints", baseline_value=Decimal("5"),
                                    target_value=Decimal("2"), owner_id=org.hank.pk,
                                    department_id=org.depts["logistics"].pk,
                                    due_date=timezone.localdate() + timedelta(days=60))
    return {"alert_id": alert.pk, "finding_id": finding.pk, "problem_id": problem.pk, "action_id": action.pk}


@pytest.fixture
def world(org):
    c = complaint_in(org, "with_subtask")
    return {"number": c.number, "subtask_id": c.subtasks.get().pk, "token": "not-a-survey-token",
            **_records(org, c)}


def test_every_json_write_endpoint_has_a_valid_body_here():
    assert sorted(_json_writes()) == sorted(VALID)


@pytest.mark.parametrize("path", sorted(VALID))
def test_a_spoiled_body_gets_a_field_error_and_saves_nothing(path, world, api):
    op = SCHEMA["paths"]["/api/v1" + path]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    (schema,) = _variants(schema)
    url = path.format(**world)
    client = api("ada", "en")
    before = snapshot(world["number"])
    problems = []
    cases = list(_cases(schema, VALID[path]))
    assert cases, path
    for label, body, field in cases:
        r = client.post(url, body)
        errors = r.json().get("errors", {}) if r.headers["Content-Type"].startswith("application/json") else {}
        if r.status_code != 422 or field not in errors:
            problems.append(f"{label}: {r.status_code} {errors or r.content[:200]!r}")
        elif not all(isinstance(m, str) and m for m in errors[field]):
            problems.append(f"{label}: empty message {errors}")
    for label, raw in [("malformed JSON", '{"text": "未闭合'), ("truncated JSON", "{"), ("not JSON", "hello")]:
        r = client.post(url, raw=raw)
        if r.status_code != 400 or "body" not in r.json().get("errors", {}):
            problems.append(f"{label}: {r.status_code} {r.content[:200]!r}")
    r = client.post(url, raw="[1, 2]")
    if r.status_code != 422:
        problems.append(f"a JSON list instead of an object: {r.status_code}")
    assert not problems, "\n".join(problems)
    assert snapshot(world["number"]) == before


# --- rules the schema cannot express -------------------------------------------------------------

def _future(**kw) -> str:
    return (timezone.now() + timedelta(**kw)).isoformat()


def _past(**kw) -> str:
    return (timezone.now() - timedelta(**kw)).isoformat()


COMPLAINT_CASES = [
    ("a customer without any contact who is not anonymous", {"customer": {"name": "李女士"}}, "customer"),
    ("a phone number with letters", {"customer": {"name": "李女士", "phone": "138-abc-1234"}}, "customer.phone"),
    ("an email without a domain", {"customer": {"name": "李女士", "email": "li@"}}, "customer.email"),
    ("a received time in the future", {"received_at": _future(days=1)}, "received_at"),
    ("an expected resolution before the complaint was received",
     {"received_at": _past(hours=1), "expected_resolution_at": _past(days=2)}, "expected_resolution_at"),
    ("an unknown problem type", {"problem_type": "no_such_type"}, "problem_type"),
    ("a subject of only spaces", {"subject": "   "}, "subject"),
    ("an empty description", {"description": ""}, "description"),
    ("a description of only spaces", {"description": " \n "}, "description"),
    ("an unknown channel", {"channel": "FAX"}, "channel"),
    ("an unknown customer level", {"customer": {"name": "李女士", "phone": "13800000000", "level": "gold"}},
     "customer.level"),
]


@pytest.mark.parametrize(("label", "change", "field"), COMPLAINT_CASES, ids=[c[0] for c in COMPLAINT_CASES])
def test_registering_a_complaint_with_bad_data_names_the_field_and_saves_nothing(label, change, field, api, org):
    before = snapshot()
    payload = complaint_payload(received_at=None)
    payload.update(change)
    r = api("amy", "en").post("/complaints", payload)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()
    assert snapshot() == before


def test_every_bad_field_of_a_complaint_is_reported_at_once(api, org):
    before = snapshot()
    payload = complaint_payload(subject="", channel="FAX", received_at="yesterday",
                                customer={"phone": "abc", "email": "nope"})
    r = api("amy", "en").post("/complaints", payload)
    assert r.status_code == 422
    assert {"subject", "channel", "received_at", "customer.phone", "customer.email"} <= set(r.json()["errors"])
    assert snapshot() == before


def test_domain_errors_are_reported_under_the_names_the_request_used(api, org):
    c = complaint_in(org, "in_progress")
    n = c.number
    ada = api("ada", "en")
    cases = [
        (f"/complaints/{n}/notes", {"text": "已处理"}, "text"),
        (f"/complaints/{n}/notes", {"text": "已联系仓库核实发货记录", "next_step": "明天回电"}, "next_step_due"),
        (f"/complaints/{n}/notes", {"text": "已联系仓库核实发货记录", "next_step_due": _future(days=1)}, "next_step"),
        (f"/complaints/{n}/notes", {"text": "已联系仓库核实发货记录", "next_step": "明天回电",
                                    "next_step_due": _future(days=1), "next_step_owner_id": 999999},
         "next_step_owner_id"),
        (f"/complaints/{n}/communications", {"channel": "phone", "direction": "out", "summary": "已致电",
                                             "at": _future(days=1)}, "at"),
        (f"/complaints/{n}/communications", {"channel": "phone", "direction": "out", "summary": "  "}, "summary"),
        (f"/complaints/{n}/subtasks", {"title": "核查", "owner_id": 999999}, "owner_id"),
        (f"/complaints/{n}/subtasks", {"title": "核查", "owner_id": org.hank.pk, "due_at": _past(days=1)}, "due_at"),
        (f"/complaints/{n}/subtasks", {"title": "核查", "owner_id": org.hank.pk, "depends_on": [999999]},
         "depends_on"),
        (f"/complaints/{n}/subtasks", {"title": " ", "owner_id": org.hank.pk}, "title"),
        (f"/complaints/{n}/assign", {"owner_id": 999999}, "owner_id"),
        (f"/complaints/{n}/assign", {"department_id": 999999}, "department_id"),
        (f"/complaints/{n}/assign", {}, "owner_id"),
        (f"/complaints/{n}/handover", {"to_user_id": 999999, "reason": "转办"}, "to_user_id"),
        (f"/complaints/{n}/handover", {"to_user_id": org.hank.pk, "reason": "转办"}, "to_user_id"),
        (f"/complaints/{n}/handover", {"to_user_id": org.sam.pk, "reason": " "}, "reason"),
        (f"/complaints/{n}/co-handlers", {"user_id": 999999}, "user_id"),
        (f"/complaints/{n}/reclassify", {"problem_type": "no_such_type"}, "problem_type"),
        (f"/complaints/{n}/priority", {"priority": "A", "reason": "  "}, "reason"),
        (f"/complaints/{n}/solutions", {"measures": "赔偿", "compensation_amount": "10.00"}, "compensation_kind"),
        (f"/complaints/{n}/solutions", {"measures": "  "}, "measures"),
        (f"/complaints/{n}/demand-changes", {"new_demand": "退货", "confirmation": " "}, "confirmation"),
        (f"/complaints/{n}/resolve", {"summary": " "}, "summary"),
        (f"/complaints/{n}/wait-customer", {"reason": ""}, "reason"),
        (f"/complaints/{n}/cancel", {"reason": ""}, "reason"),
    ]
    before = snapshot(n)
    problems = []
    for url, body, field in cases:
        r = ada.post(url, body)
        if r.status_code != 422 or field not in r.json().get("errors", {}):
            problems.append(f"{url} {body}: {r.status_code} {r.content[:200]!r}")
    assert not problems, "\n".join(problems)
    assert snapshot(n) == before


@pytest.mark.parametrize("params", [
    {"limit": "abc"}, {"limit": 0}, {"limit": 101}, {"customer": "x"}, {"is_repeat": "perhaps"},
    {"received_from": "2026-11-01"}, {"received_to": "soon"}, {"order": "subject"}, {"cursor": "%%%"},
], ids=lambda p: next(iter(p)))
def test_a_bad_list_parameter_is_a_field_error(params, api, org):
    r = api("amy", "en").get("/complaints", params)
    assert r.status_code == 422, r.content
    assert next(iter(params)) in r.json()["errors"]


# --- the longest accepted value must also fit the database (PostgreSQL enforces lengths) ------------

SKIP_FILL = {"problem_type", "metric_problem_type", "due_date"}  # codes and dates, not free text


def _fill_to_max(schema: dict, body: dict) -> dict:
    schema = _resolve(schema)
    out = dict(body)
    for name, prop in schema.get("properties", {}).items():
        kind, info = _kind(prop)
        if kind == "object" and isinstance(out.get(name), dict):
            out[name] = _fill_to_max(info, out[name])
        elif kind == "string" and "maxLength" in info and "pattern" not in info and name not in SKIP_FILL:
            out[name] = "满" * info["maxLength"]
    return out


def _max_rows():
    from tests.api.test_permissions import MATRIX

    return [r for r in MATRIX if r.method == "POST" and r.path in VALID and r.path != "/auth/token"]


@pytest.mark.parametrize("row", _max_rows(), ids=lambda r: r.path)
def test_text_at_the_maximum_length_is_accepted_and_stored(row, org, api):
    from loopdesk.complaints import surveys

    c = complaint_in(org, row.state) if row.state else None
    op = SCHEMA["paths"]["/api/v1" + row.path]["post"]
    (schema,) = _variants(op["requestBody"]["content"]["application/json"]["schema"])
    body = row.body(org) if callable(row.body) else dict(row.body or {})
    if row.path.endswith("/notes"):
        body["next_step_due"] = _future(days=1)
    body = _fill_to_max(schema, body)
    params = {}
    if c is not None:
        params = {"number": c.number, "token": surveys.current_token(c)}
        if "{subtask_id}" in row.path:
            params["subtask_id"] = c.subtasks.get().pk
    if any(f"{{{name}}}" in row.path for name in ("alert_id", "finding_id", "problem_id", "action_id")):
        params.update(_records(org, c or complaint_in(org, "new")))
    r = api("ada", "en").post(row.path.format(**params), body)
    assert 200 <= r.status_code < 300, r.content[:300]
