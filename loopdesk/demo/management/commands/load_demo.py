"""Fill an empty Loopdesk with a realistic demo organisation and ~300 complaints of the last 90 days."""

from __future__ import annotations

import random
import time
import unicodedata
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from loopdesk.accounts.models import Department, User
from loopdesk.complaints.models import Complaint, Status
from loopdesk.core.errors import DomainError, ValidationFailed
from loopdesk.demo import storyline
from loopdesk.demo.articles import counts as articles_counts
from loopdesk.demo.articles import ensure_articles
from loopdesk.demo.clock import DemoClock
from loopdesk.demo.organisation import DEMO_PASSWORD, PEOPLE, ensure_organisation
from loopdesk.demo.plans import Planner
from loopdesk.demo.timelines import Writer
from loopdesk.improvement.models import OPEN_ACTION_STATUSES, ImprovementAction, Problem
from loopdesk.monitoring.models import Alert, Finding
from loopdesk.routing.models import RoutingRule

ROLE_ZH = {"agent": "一线客服", "handler": "责任人", "supervisor": "主管", "manager": "经理",
           "monitor": "监控人员", "admin": "管理员"}


def _detail(exc: DomainError) -> object:
    return exc.errors if isinstance(exc, ValidationFailed) else exc.message


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = ("Create the demo organisation (departments, one login per role, routing rules) and realistic "
            "complaints of the last 90 days, each taken through the real workflow actions.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, default=300, help="how many complaints (default 300)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any complaint exists")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where Loopdesk is served")
        parser.add_argument("--allow-production", action="store_true",
                            help="load even with LOOPDESK_PRODUCTION=1 (demo logins share a known password)")

    def handle(self, *args: object, **options: object) -> None:
        existing = Complaint.objects.count()
        if options["if_empty"] and existing:
            self.stdout.write(f"The database already has {existing} complaints; demo data not loaded.")
            self._print_access(options["url"])
            return
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to create demo logins in production (LOOPDESK_PRODUCTION=1); "
                               "pass --allow-production if you really mean it.")
        count = options["complaints"]
        if count < 0:
            raise CommandError("--complaints cannot be negative")
        started = time.monotonic()
        rng = random.Random(options["seed"])
        now = timezone.now().replace(microsecond=0)
        plans = Planner(rng, now).plan(count) if count else []
        clock = DemoClock()
        with transaction.atomic():
            users = ensure_organisation()
            writer = Writer(users=users, clock=clock, rng=rng, now=now)
            with clock.installed():
                ensure_articles(users=users, clock=clock, now=now)
                for i, plan in enumerate(plans, start=1):
                    try:
                        writer.write(plan)
                    except DomainError as exc:
                        raise CommandError(f"demo complaint {i} ({plan.story.subject}, {plan.target}): "
                                           f"{_detail(exc)}") from exc
                try:
                    storyline.play(users=users, clock=clock, now=now, rng=random.Random(options["seed"]),
                                   duplicates=writer.duplicates)
                except DomainError as exc:
                    raise CommandError(f"demo problems, knowledge and monitoring: {_detail(exc)}") from exc
        self._print_summary(len(plans), time.monotonic() - started)
        self._print_access(options["url"])

    def _print_summary(self, count: int, seconds: float) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"Loaded {count} demo complaints in {seconds:.1f} s."))
        out(f"  Organisation: {Department.objects.count()} departments, {User.objects.count()} users, "
            f"{RoutingRule.objects.count()} routing rules")
        by_status = Counter(Complaint.objects.values_list("status", flat=True))
        out("  Status: " + " · ".join(f"{s.label} {by_status[s.value]}" for s in Status))
        qs = Complaint.objects
        out(f"  Repeat complaints {qs.filter(is_repeat=True).count()} · VIP {qs.filter(customer__level='vip').count()}"
            f" · anonymous {qs.filter(customer__anonymous=True).count()}"
            f" · group/systemic {qs.exclude(scope='individual').count()}")
        kb = articles_counts()
        out(f"  Knowledge base: {kb['articles']} articles ({kb['published']} published, {kb['drafts']} draft), "
            f"used {kb['uses']} times on complaints")
        problems = Problem.objects.all()
        actions = ImprovementAction.objects.all()
        overdue = actions.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate()).count()
        out(f"  Improvement: {problems.count()} problems ({problems.exclude(root_cause='').count()} with a confirmed "
            f"root cause), {actions.count()} actions ({actions.filter(status='done').count()} done, {overdue} overdue)")
        alerts = Alert.objects.all()
        findings = Finding.objects.all()
        out(f"  Monitoring: {alerts.count()} alerts ({alerts.filter(acknowledged_at__isnull=True).count()} waiting), "
            f"{findings.count()} data-check findings ({findings.filter(status='open').count()} open)")

    def _print_access(self, url: str) -> None:
        out = self.stdout.write
        base = url.rstrip("/")
        out("")
        out(f"Loopdesk:     {base}/")
        out(f"API docs:     {base}/api/v1/docs")
        out(f"Django admin: {base}/admin/  (admin login)")
        present = set(User.objects.filter(username__in=[p.username for p in PEOPLE]).values_list("username", flat=True))
        if not present:
            return
        out("")
        out(f"Demo logins — password for every account: {DEMO_PASSWORD}")
        out("  " + _pad("Role 角色", 22) + _pad("Username 用户名", 22) + _pad("Name 姓名", 12) + "For 用途")
        for p in PEOPLE:
            if p.username in present:
                out("  " + _pad(f"{p.role} {ROLE_ZH.get(p.role, '')}", 22) + _pad(p.username, 22)
                    + _pad(p.display_name, 12) + p.purpose)
