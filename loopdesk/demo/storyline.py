"""Bringing the demo desk to life after its complaints are written (loopdesk/demo/narrative.py):
the burst scans of the past, then problems, improvement actions, new articles and the monitor's
acknowledgements in time order, then what the background loop and the monitor do at the demo's now.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from loopdesk.accounts.models import User
from loopdesk.demo import analysis, articles, monitor
from loopdesk.demo.agenda import Agenda
from loopdesk.demo.clock import DemoClock
from loopdesk.improvement.models import Problem
from loopdesk.knowledge import articles as knowledge
from loopdesk.knowledge.models import Article


def _anchor(spec: analysis.ProblemSpec, now: datetime) -> datetime | None:
    if spec.anchor == "now":
        return now
    alert = monitor.first_k15_alert()
    if alert is not None:
        return alert.created_at
    # No alert (a small demo): the team notices once a handful of complaints has come in.
    received = list(analysis.matching(spec).values_list("received_at", flat=True)[:5])
    return received[-1] + timedelta(hours=3) if len(received) >= analysis.MIN_COMPLAINTS else None


def _schedule_draft(agenda: Agenda) -> None:
    """A supervisor turns a well-resolved complaint of a type the knowledge base lacks into a draft."""
    if Article.objects.filter(source_complaint__isnull=False).exists():
        return
    supervisor = agenda.user("supervisor")
    for code in articles.DRAFT_FROM_TYPES:
        c = articles.draftable_source(code, agenda.days_ago(2))
        if c is None:
            continue
        at = agenda.after_timeline(c.pk, c.resolved_at + timedelta(days=1), minutes=(30, 300))
        if at is not None:
            agenda.at(at, lambda number=c.number: knowledge.draft_from_complaint(number, actor=supervisor))
            return


def play(*, users: dict[str, User], clock: DemoClock, now: datetime, rng: random.Random,
         duplicates: list[tuple[str, str]]) -> None:
    monitor.scan_history(clock=clock, now=now)
    agenda = Agenda(clock=clock, now=now, users=users, rng=rng)
    existing = set(Problem.objects.values_list("title", flat=True))
    for spec in analysis.PROBLEMS:
        if spec.title in existing:
            continue
        anchor = _anchor(spec, now)
        if anchor is not None:
            analysis.Plotter(agenda, spec, anchor).schedule()
    _schedule_draft(agenda)
    monitor.schedule_acknowledgements(agenda)
    agenda.play()
    monitor.at_now(clock=clock, now=now, users=users, duplicates=duplicates)

