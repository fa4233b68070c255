"""manage.py load_demo: the organisation, the complaints and their timelines, and the problems,
improvement actions, knowledge articles, alerts and data-check findings around them.

The demo is loaded once per module (60 complaints) inside a transaction that is rolled back at
the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from loopdesk.accounts.models import Department, Role, User
from loopdesk.complaints.models import Channel, Complaint, Event, Status
from loopdesk.demo.organisation import DEMO_PASSWORD
from loopdesk.improvement import metrics
from loopdesk.improvement.metrics import LOWER_IS_BETTER
from loopdesk.improvement.models import (
    FIVE_W_ONE_H,
    ActionStatus,
    CauseCategory,
    ImprovementAction,
    Problem,
    ProblemComplaint,
    ProblemStatus,
)
from loopdesk.knowledge.articles import DRAFTABLE
from loopdesk.knowledge.models import Article, ArticleStatus, ArticleUse
from loopdesk.monitoring import checks
from loopdesk.monitoring.models import Alert, AlertKind, Finding, FindingStatus
from loopdesk.notifications.models import OutboxMessage
from loopdesk.routing.models import RoutingRule

COUNT = 60


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.core.cache import cache

    from loopdesk.core import memo

    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()  # rows memoised by an earlier module may name ids that no longer exist
        memo.clear()
        out = StringIO()
        call_command("load_demo", complaints=COUNT, seed=7, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_it_builds_the_organisation(demo, db):
    assert set(Department.objects.values_list("name_zh", flat=True)) == {
        "客服中心", "技术支持部", "物流协调部", "售后服务部", "财务部", "人力资源部", "质量管理部"}
    for username, role in [("agent", Role.AGENT), ("handler", Role.HANDLER), ("supervisor", Role.SUPERVISOR),
                           ("manager", Role.MANAGER), ("monitor", Role.MONITOR), ("admin", Role.ADMIN)]:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert user.display_name
    assert User.objects.filter(role=Role.HANDLER, department__code="logistics").count() >= 2
    assert User.objects.filter(role=Role.HANDLER, department__code="tech").count() >= 2
    assert User.objects.get(username="admin").is_superuser


def test_it_routes_each_kind_of_problem_to_its_department(demo, db):
    routes = {(r.problem_type.code if r.problem_type else ""): (r.department.code, r.role)
              for r in RoutingRule.objects.select_related("problem_type", "department")}
    assert routes["product_function"] == ("tech", Role.HANDLER)
    assert routes["logistics"] == ("logistics", Role.HANDLER)
    assert routes["service_attitude"] == ("cs", Role.SUPERVISOR)
    assert routes["billing"] == ("finance", Role.HANDLER)
    assert routes["after_sales"] == ("aftersales", Role.HANDLER)
    assert routes[""] == ("cs", Role.AGENT)
    assert RoutingRule.objects.order_by("-order").first().problem_type is None  # the fallback comes last


def test_it_creates_complaints_in_every_status_and_channel(demo, db):
    assert Complaint.objects.count() == COUNT
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Complaint.objects.filter(owner__isnull=True).count() == 0


def test_it_includes_repeat_vip_and_group_complaints(demo, db):
    assert Complaint.objects.filter(is_repeat=True, repeat_of__isnull=False).exists()
    assert Complaint.objects.filter(customer__level="vip").exists()
    assert Complaint.objects.exclude(scope="individual").count() >= 3
    assert Complaint.objects.filter(received_at__lt=timezone.now() - timedelta(days=60)).exists()


def test_every_timeline_starts_with_registration_and_runs_forward(demo, db):
    events: dict[int, list[Event]] = {}
    for e in Event.objects.order_by("complaint_id", "id"):
        events.setdefault(e.complaint_id, []).append(e)
    now = timezone.now()
    for c in Complaint.objects.all():
        timeline = events[c.pk]
        assert timeline[0].action == "register", c.number
        assert timeline[0].at == c.registered_at
        times = [e.at for e in timeline]
        assert times == sorted(times), c.number
        assert times[-1] <= now
        assert c.received_at <= c.registered_at
        for later in (c.accepted_at, c.first_response_at, c.resolved_at, c.cancelled_at):
            assert later is None or c.registered_at <= later <= now, c.number
        assert c.accepted_at is None or c.resolved_at is None or c.accepted_at <= c.resolved_at
        assert c.closed_at is None or c.resolved_at <= c.closed_at
        assert c.archived_at is None or c.closed_at <= c.archived_at


def test_statuses_match_their_timestamps(demo, db):
    for c in Complaint.objects.all():
        if c.status in (Status.CLOSED, Status.ARCHIVED):
            assert c.closed_at and c.resolved_at, c.number
        if c.status == Status.ARCHIVED:
            assert c.archived_at, c.number
        if c.status == Status.CANCELLED:
            assert c.cancelled_at and c.cancel_reason, c.number
        if c.status == Status.REOPENED:
            assert c.reopen_count >= 1, c.number
        if c.status == Status.NEW:
            assert c.accepted_at is None, c.number


def test_it_prints_the_addresses_and_the_demo_logins(demo):
    assert "http://127.0.0.1:8000/" in demo
    assert "/api/v1/docs" in demo
    assert DEMO_PASSWORD in demo
    for username in ("agent", "handler", "supervisor", "manager", "monitor", "admin"):
        assert f" {username} " in demo


def test_it_does_nothing_with_if_empty_when_complaints_exist(demo, db):
    events = Event.objects.count()
    out = StringIO()
    call_command("load_demo", complaints=5, if_empty=True, stdout=out)
    assert Complaint.objects.count() == COUNT
    assert Event.objects.count() == events
    assert "not loaded" in out.getvalue()


# --- problems, improvement, knowledge and monitoring (loopdesk/demo/narrative.py) ---------------

def test_problems_group_complaints_of_their_type_with_an_analysis(demo, db):
    problems = list(Problem.objects.select_related("problem_type").prefetch_related("causes"))
    assert 3 <= len(problems) <= 4
    for p in problems:
        complaints = list(p.complaints.select_related("problem_type"))
        assert len(complaints) >= 2, p.title
        for c in complaints:
            assert p.problem_type_id in (c.problem_type_id, c.problem_type.parent_id), (p.title, c.number)
            assert not p.product or c.product == p.product, (p.title, c.number)
            link = Event.objects.filter(complaint=c, action="link_problem").get()
            assert link.after == {"problem": f"#{p.pk} {p.title}"}
        assert all(getattr(p, f) for f in FIVE_W_ONE_H), p.title
        assert {cause.category for cause in p.causes.all()} == set(CauseCategory.values), p.title
        assert p.analysed_at and p.created_at <= p.analysed_at
    confirmed = [p for p in problems if p.root_cause]
    assert len(confirmed) >= 2
    for p in confirmed:
        assert p.status in (ProblemStatus.ROOT_CAUSE_CONFIRMED, ProblemStatus.CLOSED)
        assert p.analysed_at <= p.root_cause_confirmed_at
    assert {p.status for p in problems} >= {ProblemStatus.ANALYSING, ProblemStatus.ROOT_CAUSE_CONFIRMED,
                                           ProblemStatus.CLOSED}


def test_improvement_actions_are_smart_and_tracked(demo, db):
    actions = list(ImprovementAction.objects.select_related("problem", "owner", "department"))
    assert 4 <= len(actions) <= 6
    for a in actions:
        assert a.measure and a.owner.is_active and a.department_id and a.due_date, a.pk
        if a.metric in LOWER_IS_BETTER:
            assert a.target_value < a.baseline_value, a.pk
        else:
            assert a.target_value > a.baseline_value, a.pk
        assert a.problem is not None and a.problem.created_at <= a.created_at
    statuses = {a.status for a in actions}
    assert {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE} <= statuses

    overdue = [a for a in actions if a.is_overdue()]
    assert overdue
    for a in overdue:
        assert a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
        assert a.overdue_alerted_for == a.due_date  # the sweep has alerted its owner and the monitors
        assert OutboxMessage.objects.filter(event="improvement.action_overdue",
                                            dedupe_key__contains=f":{a.pk}:").exists()

    done = [a for a in actions if a.status == ActionStatus.DONE]
    assert done
    for a in done:
        assert a.result_note and a.started_at <= a.completed_at <= timezone.now()
        effect = metrics.evaluate(a)
        # Read from the demo complaints: the weeks before the action against the weeks after it.
        assert effect.before.count > 0 and effect.after is not None and effect.final
        assert effect.improved, (a.measure, effect)


def test_the_knowledge_base_has_scripts_solutions_uses_and_a_draft(demo, db):
    articles = list(Article.objects.select_related("problem_type", "source_complaint"))
    assert 8 <= len(articles) <= 12
    published = [a for a in articles if a.status == ArticleStatus.PUBLISHED]
    assert len(published) >= 8
    for a in published:
        assert a.script and a.solution and a.reviewer_id and a.published_at, a.title
    assert len({a.problem_type_id for a in published if a.problem_type_id}) >= 6
    assert any(a.problem_type_id is None for a in published)  # the general script
    for a in articles:
        assert a.usage_count == ArticleUse.objects.filter(article=a).count(), a.title
    used = [a for a in articles if a.usage_count]
    assert len(used) >= 5
    for use in ArticleUse.objects.select_related("article", "complaint"):
        assert use.used_at >= use.article.published_at
        assert Event.objects.filter(complaint=use.complaint, action="use_article",
                                    after={"article": use.article_id}).exists()
    drafts = [a for a in articles if a.status == ArticleStatus.DRAFT]
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.source_complaint is not None and draft.source_complaint.status in DRAFTABLE
    assert draft.problem_type_id == draft.source_complaint.problem_type_id
    assert Event.objects.filter(complaint=draft.source_complaint, action="draft_article").exists()


def test_monitoring_raised_alerts_some_acknowledged_and_some_waiting(demo, db):
    alerts = Alert.objects.all()
    acknowledged = alerts.filter(acknowledged_at__isnull=False)
    assert acknowledged.exists() and alerts.filter(acknowledged_at__isnull=True).exists()
    for a in acknowledged:
        assert a.ack_note and a.acknowledged_by.username == "monitor" and a.acknowledged_at >= a.created_at
    # The kettle batch was caught by the burst rule, and the problem opened after the alert.
    kettle = alerts.get(kind=AlertKind.BURST, dimension="product", subject_value="电热水壶 K15")
    assert kettle.acknowledged and kettle.observed >= 5 and kettle.observed > kettle.threshold
    problem = Problem.objects.get(product="电热水壶 K15")
    assert kettle.created_at < problem.created_at
    assert alerts.exclude(kind=AlertKind.BURST).exists()  # the monitor sweep's alerts


def test_data_check_findings_are_corrected_dismissed_and_open(demo, db):
    findings = {f.status: f for f in Finding.objects.filter(check_name="likely_duplicates")
                .select_related("complaint__repeat_of")}
    assert set(findings) == {FindingStatus.OPEN, FindingStatus.CORRECTED, FindingStatus.DISMISSED}
    corrected = findings[FindingStatus.CORRECTED]
    assert corrected.reason and corrected.verified_at and corrected.closed_by.username == "monitor"
    assert corrected.complaint.repeat_of.number == corrected.detail["duplicate_of"]
    assert corrected.complaint.is_repeat
    fix = Event.objects.get(complaint=corrected.complaint, action="correct_data")
    assert fix.after == {"repeat_of": corrected.detail["duplicate_of"]} and corrected.reason in fix.note
    assert findings[FindingStatus.DISMISSED].reason
    assert "likely_duplicates" not in checks.failing(corrected.complaint_id)


def test_a_second_run_adds_no_second_problem_article_or_finding(demo, db):
    def state():
        return (Problem.objects.count(), ImprovementAction.objects.count(), ProblemComplaint.objects.count(),
                Article.objects.count(), ArticleUse.objects.count(), Finding.objects.count())

    before = state()
    call_command("load_demo", complaints=0, seed=7, stdout=StringIO())
    assert state() == before
