"""A resolved complaint becomes an article draft: prefilled, idempotent, writers only."""

from __future__ import annotations

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.models import Event
from loopdesk.core.errors import Conflict, NotAllowed, NotFound
from loopdesk.knowledge import articles
from loopdesk.knowledge.models import Article, ArticleStatus
from tests.web.conftest import STATES, drive, register

DRAFTABLE = {"resolved", "callback_pending", "closed", "archived"}


@pytest.mark.parametrize("state", STATES)
def test_only_resolved_closed_or_archived_complaints_become_drafts(org, state):
    c = drive(org, register(org), state)
    if state in DRAFTABLE:
        a, created = articles.draft_from_complaint(c.number, actor=org.sam)
        assert created and a.status == ArticleStatus.DRAFT and a.source_complaint_id == c.pk
    else:
        with pytest.raises(Conflict):
            articles.draft_from_complaint(c.number, actor=org.sam)
        assert Article.objects.count() == 0


def test_the_draft_is_prefilled_from_the_accepted_solution_and_the_resolution(org):
    c = drive(org, register(org), "in_progress")
    actions.propose_solution(c.number, actor=org.ada, measures="联系物流加急并赠送10元优惠券")
    actions.record_response(c.number, actor=org.ada, response="accepted")
    actions.resolve(c.number, actor=org.ada, summary="次日送达，客户签收")
    a, _ = articles.draft_from_complaint(c.number, actor=org.mia)
    assert (a.title, a.problem_type.code, a.author) == ("快递一周未送达", "delivery_delay", org.mia)
    assert a.solution == "联系物流加急并赠送10元优惠券\n\n次日送达，客户签收"
    assert "张" not in a.solution + a.title and a.script == ""
    assert list(articles.find(org.mia, q="优惠券")) == [a]
    e = Event.objects.filter(complaint=c).order_by("-id").first()
    assert (e.action, e.actor, e.after) == ("draft_article", org.mia, {"article": a.pk})


def test_asking_twice_returns_the_same_draft(org):
    c = drive(org, register(org), "closed")
    first, created = articles.draft_from_complaint(c.number, actor=org.sam)
    again, created_again = articles.draft_from_complaint(c.number, actor=org.ada)
    assert created and not created_again and first == again
    assert Article.objects.count() == 1


@pytest.mark.parametrize("user, error", [("amy", NotAllowed), ("hank", NotAllowed), ("monty", NotAllowed)])
def test_only_writers_turn_complaints_into_drafts(org, user, error):
    c = drive(org, register(org), "resolved")
    events = Event.objects.filter(complaint=c).count()
    with pytest.raises(error):
        articles.draft_from_complaint(c.number, actor=org.users[user])
    assert Article.objects.count() == 0 and Event.objects.filter(complaint=c).count() == events


def test_a_writer_who_cannot_see_the_complaint_gets_not_found(org):
    c = drive(org, register(org, problem_type="feature_fault", subject="洗衣机无法启动"), "resolved")  # tech support
    with pytest.raises(NotFound):
        articles.draft_from_complaint(c.number, actor=org.sam)  # logistics supervisor
    assert Article.objects.count() == 0
