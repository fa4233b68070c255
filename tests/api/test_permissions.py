"""The permission matrix: every role against every endpoint of the OpenAPI document.

For each endpoint the table says in which complaint state the call should work, which roles may
make it, what success looks like, and (for status-bound actions) a state in which the status
forbids it. The expectations follow from SPEC §4/§8 and the workflow table:

  401  no token / session (except POST /auth/token and POST /survey/{token})
  404  a complaint the caller may not see (holly handles tech support, the complaint is logistics)
  403  an action the caller's role may never take
  409  the role may, but the complaint's status forbids it now

Every refusal must change nothing: the complaint's fields, its timeline and all related rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from loopdesk.api.root import api as ninja_api
from loopdesk.complaints import surveys
from tests.api.support import PNG, complaint_in, snapshot
from tests.conftest import complaint_payload

ROLES = {"agent": "amy", "handler": "hank", "other_handler": "holly", "supervisor": "sam", "manager": "mia",
         "monitor": "monty", "admin": "ada", "anonymous": None}
STAFF = frozenset(r for r in ROLES if r != "anonymous")
OWNER_OR_SUP = frozenset({"handler", "supervisor", "admin"})  # hank owns the complaint


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as in the OpenAPI document, without /api/v1
    may: frozenset[str]
    state: str | None = None  # complaint state where the call should work (None: no complaint needed)
    wrong: str | None = None  # a state where the status forbids the call → 409
    ok: int = 200
    body: object = None  # dict, or callable(org) → dict
    upload: bool = False
    anonymous: int = 401

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _scores() -> dict:
    return {"response_speed": 5, "result": 5, "attitude": 4, "communication": 5, "comment": "很满意"}


def _payload() -> dict:
    p = complaint_payload()
    p.pop("received_at")  # received now
    return p


C = "/complaints/{number}"
MATRIX = [
    Row("POST", "/auth/token", STAFF, ok=201, anonymous=201),
    Row("POST", "/complaints", STAFF - {"monitor"}, ok=201, body=lambda org: _payload()),
    Row("GET", "/complaints", STAFF),
    Row("GET", C, STAFF, "new"),
    Row("GET", C + "/timeline", STAFF, "new"),
    Row("POST", C + "/accept", OWNER_OR_SUP, "new", "in_progress"),
    Row("POST", C + "/start", OWNER_OR_SUP, "accepted", "new"),
    Row("POST", C + "/wait-customer", OWNER_OR_SUP, "in_progress", "new", body={"reason": "等待客户提供开箱照片"}),
    Row("POST", C + "/resume", OWNER_OR_SUP, "awaiting_customer", "in_progress"),
    Row("POST", C + "/assign", frozenset({"supervisor", "manager", "admin"}), "new", "closed",
        body=lambda org: {"department_id": org.depts["tech"].pk, "note": "转技术支持部"}),
    Row("POST", C + "/handover", OWNER_OR_SUP, "new", "closed",
        body=lambda org: {"to_user_id": org.sam.pk, "reason": "需要主管协调仓库"}),
    Row("POST", C + "/co-handlers", OWNER_OR_SUP, "new", "closed", body=lambda org: {"user_id": org.amy.pk}),
    Row("POST", C + "/reclassify", OWNER_OR_SUP | {"agent"}, "new", "closed",
        body={"severity": "important", "note": "客户多次来电"}),
    Row("POST", C + "/priority", frozenset({"supervisor", "manager", "admin"}), "new", "closed",
        body={"priority": "A", "reason": "媒体关注"}),
    Row("POST", C + "/solution/approval", frozenset({"supervisor", "manager", "admin"}),
        "solution_pending_approval", "in_progress", body={"approve": True, "note": "同意退款"}),
    Row("POST", C + "/solution/response", OWNER_OR_SUP | {"agent"}, "solution_pending", "in_progress",
        body={"response": "accepted", "comment": "客户同意"}),
    Row("POST", C + "/demand-changes", OWNER_OR_SUP | {"agent"}, "new", "closed",
        body={"new_demand": "退货退款", "confirmation": "客户11月23日电话确认"}),
    Row("POST", C + "/resolve", OWNER_OR_SUP, "in_progress", "new", body={"summary": "已补发并上门检修"}),
    Row("POST", C + "/request-callback", OWNER_OR_SUP | {"agent"}, "resolved", "in_progress"),
    Row("POST", C + "/satisfaction", frozenset({"agent", "supervisor", "admin"}), "resolved", "in_progress",
        body=_scores()),
    Row("GET", C + "/satisfaction", STAFF, "new"),
    Row("POST", C + "/verify", frozenset({"monitor", "admin"}), "resolved", "in_progress",
        body={"passed": True, "really_resolved": True}),
    Row("POST", C + "/reopen", frozenset({"agent", "supervisor", "manager", "monitor", "admin"}), "closed",
        "in_progress", body={"reason": "客户来电表示洗衣机仍无法启动"}),
    Row("POST", C + "/archive", frozenset({"supervisor", "monitor", "admin"}), "closed", "resolved"),
    # amy registered the complaint: a registrar may cancel it while it is still new.
    Row("POST", C + "/cancel", frozenset({"agent", "supervisor", "manager", "admin"}), "new", "closed",
        body={"reason": "客户重复来电，重复登记"}),
    Row("GET", C + "/notes", STAFF, "new"),
    Row("POST", C + "/notes", STAFF, "new", "closed", ok=201, body={"text": "已联系仓库核实发货记录，明天回复"}),
    Row("GET", C + "/communications", STAFF, "new"),
    Row("POST", C + "/communications", STAFF - {"monitor"}, "new", "closed", ok=201,
        body={"channel": "phone", "direction": "out", "summary": "已致电客户说明处理进度"}),
    Row("GET", C + "/subtasks", STAFF, "new"),
    Row("POST", C + "/subtasks", OWNER_OR_SUP, "in_progress", "new", ok=201,
        body=lambda org: {"title": "核查仓库出库记录", "owner_id": org.hank.pk}),
    Row("POST", C + "/subtasks/{subtask_id}/complete", OWNER_OR_SUP, "with_subtask", "cancelled_with_subtask",
        body={"result": "出库记录正常，快递在途"}),
    Row("GET", C + "/solutions", STAFF, "new"),
    Row("POST", C + "/solutions", OWNER_OR_SUP, "in_progress", "new", ok=201,
        body={"measures": "补发洗衣机并安排上门安装"}),
    Row("GET", C + "/attachments", STAFF, "new"),
    Row("POST", C + "/attachments", STAFF - {"monitor"}, "in_progress", "closed", ok=201, upload=True),
    Row("GET", C + "/attachments/{attachment_id}", STAFF, "with_attachment"),
    Row("POST", C + "/contact", frozenset({"agent", "handler", "supervisor", "admin"}), "new"),
    Row("GET", C + "/deadlines", STAFF, "new"),
    # Escalation: supervisors, agents, managers, monitors, and whoever works on it (hank) — SPEC §6.
    Row("POST", C + "/escalate", STAFF, "new", "closed",
        body={"reason": "客户情绪激动，一线无法解决", "customer_told": True}),
    Row("GET", "/inbox", STAFF),
    Row("GET", "/inbox/unread-count", STAFF),
    Row("POST", "/inbox/{item_id}/read", STAFF),
    Row("POST", "/inbox/read-all", STAFF),
    Row("GET", "/me", STAFF),
    Row("GET", "/problem-types", STAFF),
    Row("GET", "/workflow", STAFF),
    Row("GET", "/departments", STAFF),
    Row("GET", "/staff", STAFF),
    Row("POST", "/suggestions", STAFF, body={"text": "快递一直没送到，我要投诉到12315"}),
    Row("POST", "/survey/{token}", STAFF, "resolved", ok=201, body=_scores(), anonymous=201),
]


def _documented() -> set[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return {(method.upper(), path.removeprefix("/api/v1"))
            for path, ops in schema["paths"].items() for method in ops}


def test_the_matrix_has_a_row_for_every_documented_endpoint():
    rows = {(r.method, r.path) for r in MATRIX}
    assert len(rows) == len(MATRIX), "duplicate rows"
    documented = _documented()
    assert documented - rows == set(), "endpoints without a permission-matrix row"
    assert rows - documented == set(), "matrix rows for endpoints that no longer exist"


def _expected(row: Row, role: str) -> int:
    if role == "anonymous":
        return row.anonymous
    if "{number}" in row.path and role == "other_handler":
        return 404
    return row.ok if role in row.may else 403


def _prepare(row: Row, role: str, org, complaint) -> tuple[str, dict | None]:
    """The URL and body of the call (creating what the URL points to, before the snapshot)."""
    params = {}
    if complaint is not None:
        params["number"] = complaint.number
        if "{subtask_id}" in row.path:
            params["subtask_id"] = complaint.subtasks.get().pk
        if "{attachment_id}" in row.path:
            params["attachment_id"] = complaint.attachments.get().pk
        if "{token}" in row.path:
            params["token"] = surveys.current_token(complaint)
    if "{item_id}" in row.path:
        params["item_id"] = _inbox_item(org.users[ROLES[role] or "amy"]).pk
    if row.path == "/auth/token":
        username = ROLES[role] or "amy"
        return row.path, {"username": username, "password": f"pw-{username}-123"}
    return row.path.format(**params), row.body(org) if callable(row.body) else row.body


def _call(api, row: Row, role: str, path: str, body):
    client = api(ROLES[role], "en")
    if row.upload:
        return client.upload(path, "receipt.png", PNG)
    if row.method == "GET":
        return client.get(path)
    return client.post(path, body)


def _inbox_item(user):
    from loopdesk.notifications.models import InboxItem

    return InboxItem.objects.create(user=user, dedupe_key=f"test-{user.pk}-{InboxItem.objects.count()}",
                                    event="complaint.assigned", params={"number": "20261123-TEL-0001", "due": "-"})


class Pool:
    """Complaints by state, reused while requests leave them untouched (refusals and reads), so the
    matrix builds a fresh complaint only after a request that changed one."""

    def __init__(self, org):
        self.org, self.clean = org, {}

    def get(self, state: str | None):
        if state is None:
            return None
        if state not in self.clean:
            self.clean[state] = complaint_in(self.org, state)
        return self.clean[state]

    def spoil(self, state: str | None) -> None:
        self.clean.pop(state, None)


def _check(api, row, role, org, pool, state, expected, problems):
    complaint = pool.get(state)
    path, body = _prepare(row, role, org, complaint)
    before = snapshot(complaint.number if complaint else None)
    r = _call(api, row, role, path, body)
    label = f"{role} in state {state}"
    if r.status_code < 400 and row.method != "GET":
        pool.spoil(state)
    if r.status_code != expected:
        problems.append(f"{label}: expected {expected}, got {r.status_code} {r.content[:200]!r}")
        pool.spoil(state)
        return
    if expected >= 400:
        body = r.json()
        if "detail" not in body or "code" not in body:
            problems.append(f"{label}: error body without detail/code: {body}")
        if snapshot(complaint.number if complaint else None) != before:
            problems.append(f"{label}: a refused request ({expected}) changed something")
            pool.spoil(state)


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.id)
def test_every_role_gets_the_answer_the_matrix_promises(row, org, api):
    problems: list[str] = []
    pool = Pool(org)
    for role in ROLES:
        expected = _expected(row, role)
        _check(api, row, role, org, pool, row.state, expected, problems)
        if row.wrong and 200 <= expected < 300:
            _check(api, row, role, org, pool, row.wrong, 409, problems)
    assert not problems, "\n".join(problems)


def test_a_complaint_that_does_not_exist_is_not_found_for_everyone(api, org):
    for username in ("amy", "hank", "sam", "mia", "monty", "ada"):
        client = api(username, "en")
        assert client.get("/complaints/20991231-TEL-9999").status_code == 404
        assert client.post("/complaints/20991231-TEL-9999/accept").status_code == 404


def test_a_handler_of_another_department_does_not_see_the_complaint_in_lists(api, org):
    c = complaint_in(org, "new")
    numbers = [i["number"] for i in api("holly").get("/complaints").json()["items"]]
    assert c.number not in numbers
    assert c.number in [i["number"] for i in api("hank").get("/complaints").json()["items"]]


def test_a_handler_who_registers_a_complaint_for_another_department_keeps_sight_of_it(api, org):
    r = api("holly").post("/complaints", _payload())
    assert r.status_code == 201, r.content
    assert r.json()["department"]["code"] == "logistics"
    assert api("holly").get(f"/complaints/{r.json()['number']}").status_code == 200


def test_nobody_can_mark_another_users_inbox_item_read(api, org):
    item = _inbox_item(org.hank)
    r = api("amy").post(f"/inbox/{item.pk}/read")
    assert r.status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_an_agent_may_not_cancel_a_complaint_once_handling_has_started(api, org):
    c = complaint_in(org, "accepted")
    before = snapshot(c.number)
    r = api("amy", "en").post(f"/complaints/{c.number}/cancel", {"reason": "客户不再追究"})
    assert r.status_code == 403
    assert snapshot(c.number) == before


def test_a_handler_of_another_department_who_owns_a_subtask_sees_the_complaint_and_may_complete_it(api, org):
    from loopdesk.complaints import actions

    c = complaint_in(org, "in_progress")
    task = actions.add_subtask(c.number, actor=org.ada, title="检查洗衣机主板", owner_id=org.holly.pk)
    assert api("holly").get(f"/complaints/{c.number}").status_code == 200
    r = api("holly").post(f"/complaints/{c.number}/subtasks/{task.pk}/complete", {"result": "已回访，客户认可"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done"
