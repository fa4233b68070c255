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
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

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
    expect: tuple[tuple[str, int], ...] = ()  # (role, status) where a role's answer is not the rule's

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
KB_WRITERS = frozenset({"supervisor", "manager", "admin"})
MON_ACT = frozenset({"monitor", "manager", "admin"})
MON_READ = MON_ACT | {"supervisor"}
IMP_MANAGE = frozenset({"supervisor", "manager", "monitor", "admin"})
IMP_READ = IMP_MANAGE | {"handler"}
HIDDEN = (("other_handler", 404),)  # holly may read problems, but not one that groups only others' complaints
KB_ARTICLE = {"title": "快递延迟安抚话术", "problem_type": "delivery_delay", "script": "非常抱歉，我们已联系物流加急。"}
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
    # Knowledge base (SPEC §7): supervisors, managers and admins write; all staff read and use articles.
    Row("GET", "/knowledge/articles", STAFF),
    Row("POST", "/knowledge/articles", KB_WRITERS, ok=201, body=KB_ARTICLE),
    Row("GET", "/knowledge/articles/{article_id}", STAFF),
    Row("PUT", "/knowledge/articles/{article_id}", KB_WRITERS, body=KB_ARTICLE),
    Row("POST", "/knowledge/articles/{article_id}/publish", KB_WRITERS),
    Row("POST", "/knowledge/articles/{article_id}/retire", KB_WRITERS),
    Row("GET", C + "/knowledge", STAFF, "new"),
    Row("POST", C + "/knowledge/{article_id}/use", STAFF, "in_progress", "closed", ok=201),
    Row("POST", C + "/knowledge-draft", KB_WRITERS, "resolved", "in_progress", ok=201),
    # Monitoring (SPEC §6): monitors, managers and admins act; supervisors read their departments' part.
    Row("GET", "/alerts", MON_READ),
    Row("POST", "/alerts/{alert_id}/acknowledge", MON_ACT, body={"note": "已通知物流部排查"}),
    Row("GET", "/data-checks", MON_READ),
    Row("POST", "/data-checks/scan", MON_ACT, body={"checks": ["missing_required_fields"]}),
    Row("GET", "/data-checks/findings", MON_READ),
    Row("GET", "/data-checks/findings/{finding_id}", MON_READ, "new"),
    Row("POST", "/data-checks/findings/{finding_id}/correct", MON_ACT, "new",
        body={"changes": {"subject": "快递一周未送达（补登）"}, "reason": "按通话录音补登"}),
    Row("POST", "/data-checks/findings/{finding_id}/dismiss", MON_ACT, "new", body={"reason": "记录无误"}),
    Row("GET", "/data-checks/review", MON_READ),
    # Reports (SPEC §7): supervisors (their departments), managers, monitors, admins.
    Row("GET", "/reports", MON_READ),
    # Problems and improvement actions (SPEC §7): supervisors, managers, monitors and admins manage.
    # The problem groups hank's complaint, so hank reads it; holly cannot see it (404); agents 403.
    Row("GET", "/improvement/problems", IMP_READ | {"other_handler"}),
    Row("POST", "/improvement/problems", IMP_MANAGE, ok=201, body={"title": "十一月物流延迟集中"}),
    Row("GET", "/improvement/problems/{problem_id}", IMP_READ, "new", expect=HIDDEN),
    Row("PATCH", "/improvement/problems/{problem_id}", IMP_MANAGE, "new", body={"product": "滚筒洗衣机"},
        expect=HIDDEN),
    Row("GET", "/improvement/problems/{problem_id}/complaints", IMP_READ, "new", expect=HIDDEN),
    Row("POST", "/improvement/problems/{problem_id}/complaints", IMP_MANAGE, "new",
        body=lambda org: {"numbers": [complaint_in(org, "new").number]}, expect=HIDDEN),
    Row("DELETE", "/improvement/problems/{problem_id}/complaints/{number}", IMP_MANAGE, "new", ok=204),
    Row("GET", "/improvement/problems/{problem_id}/suggestions", IMP_MANAGE, "new", expect=HIDDEN),
    Row("PUT", "/improvement/problems/{problem_id}/analysis", IMP_MANAGE, "new",
        body={"what": "洗衣机配送延迟", "why": "承运商运力不足", "causes": []}, expect=HIDDEN),
    Row("POST", "/improvement/problems/{problem_id}/root-cause", IMP_MANAGE, "new",
        body={"root_cause": "双十一期间承运商运力不足且未启用备用承运商"}, expect=HIDDEN),
    Row("POST", "/improvement/problems/{problem_id}/close", IMP_MANAGE, "new", expect=HIDDEN),
    Row("POST", "/improvement/problems/{problem_id}/reopen", IMP_MANAGE, "new", expect=HIDDEN),
    Row("GET", "/improvement/complaints/{number}/similar", IMP_MANAGE, "new", expect=(("other_handler", 403),)),
    Row("GET", "/improvement/actions", IMP_READ | {"other_handler"}),
    Row("POST", "/improvement/actions", IMP_MANAGE, ok=201, body=lambda org: {
        "measure": "启用备用承运商", "metric": "weekly_complaints", "metric_problem_type": "delivery_delay",
        "target_value": "2", "baseline_value": "10", "owner_id": org.hank.pk,
        "department_id": org.depts["logistics"].pk,
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat()}),
    Row("GET", "/improvement/actions/{action_id}", IMP_READ, "new", expect=HIDDEN),
    Row("PATCH", "/improvement/actions/{action_id}", IMP_MANAGE, "new",
        body=lambda org: {"due_date": (timezone.localdate() + timedelta(days=90)).isoformat()},
        expect=HIDDEN),
    Row("POST", "/improvement/actions/{action_id}/start", IMP_READ, "new", expect=HIDDEN),
    Row("POST", "/improvement/actions/{action_id}/complete", IMP_READ, "new", body={"result": "已启用备用承运商"},
        expect=HIDDEN),
    Row("POST", "/improvement/actions/{action_id}/cancel", IMP_MANAGE, "new", body={"reason": "方案调整"},
        expect=HIDDEN),
    Row("GET", "/improvement/actions/{action_id}/effect", IMP_READ, "new", expect=HIDDEN),
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
    if role in dict(row.expect):
        return dict(row.expect)[role]
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
    if "{alert_id}" in row.path:
        params["alert_id"] = _alert().pk
    if "{finding_id}" in row.path:
        params["finding_id"] = _finding(complaint).pk
    if "{problem_id}" in row.path or "{action_id}" in row.path:
        problem = _problem(org, complaint)
        params["problem_id"] = problem.pk
        if "{action_id}" in row.path:
            params["action_id"] = _action(org, problem).pk
        _problem_ready_for(row.path, problem, org)
    if "{article_id}" in row.path:
        params["article_id"] = _article(org, published=not row.path.endswith("/publish")).pk
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
    return client._call(row.method.lower(), path, body)


def _article(org, *, published: bool):
    from loopdesk.knowledge import articles

    a = articles.create(articles.ArticleInput(**KB_ARTICLE), actor=org.sam)
    return articles.publish(a.pk, actor=org.sam) if published else a


def _problem(org, complaint):
    from loopdesk.improvement import problems
    from loopdesk.improvement.models import ProblemComplaint

    # A complaint belongs to one problem at most: reuse the one an earlier role's call left.
    link = ProblemComplaint.objects.filter(complaint=complaint).select_related("problem").first()
    if link is not None:
        return link.problem
    return problems.create_problem(actor=org.sam, title="快递延迟集中", problem_type="delivery_delay",
                                   numbers=[complaint.number])


def _problem_ready_for(path: str, problem, org) -> None:
    """Root cause needs an analysis first; reopening needs a closed problem."""
    from loopdesk.improvement import problems
    from loopdesk.improvement.models import ProblemStatus

    if path.endswith("/root-cause") and not problem.what:
        problems.record_analysis(problem.pk, actor=org.sam, causes=[], what="洗衣机配送延迟", why="承运商运力不足")
    if path.endswith("/reopen") and problem.status != ProblemStatus.CLOSED:
        problems.close_problem(problem.pk, actor=org.sam)


def _action(org, problem):
    from loopdesk.improvement import measures

    return measures.create_action(actor=org.sam, problem_id=problem.pk, measure="启用备用承运商",
                                  metric="weekly_complaints", metric_problem_type="delivery_delay",
                                  target_value=Decimal("2"), baseline_value=Decimal("10"), owner_id=org.hank.pk,
                                  department_id=org.depts["logistics"].pk,
                                  due_date=timezone.localdate() + timedelta(days=60))


def _alert():
    from loopdesk.monitoring.models import Alert

    return Alert.objects.create(kind="burst", dedupe_key=f"test-{Alert.objects.count()}", dimension="region",
                                subject_value="上海", subject_label="上海", params={"subject": "上海", "count": 9})


def _finding(complaint):
    from loopdesk.monitoring.models import Finding

    # One open finding per check and complaint: a refused call leaves it for the next role.
    return (Finding.objects.filter(complaint=complaint, status="open").first()
            or Finding.objects.create(check_name="missing_required_fields", complaint=complaint,
                                      detail={"fields": ["subject"]}))


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
