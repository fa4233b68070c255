#!/usr/bin/env python
"""Monitor-sweep benchmark: N open complaints of which D are due; how long does one sweep take?

    .venv/bin/python bench/sweep.py [--complaints 1000000] [--due 1000] [--rounds 3] [--reload]
                                    [--db postgres://postgres@127.0.0.1:5432/loopdesk_sweepbench]

Steps: create and migrate the separate `loopdesk_sweepbench` database; bulk-load (COPY) the
organisation, N open complaints and two running deadlines each (resolution and progress, due in
the coming days) unless the table already holds N; VACUUM ANALYZE. Then per round: make D of the
complaints due — 70 % past the reminder share of their progress clock (a reminder to the owner),
30 % (--escalate-share) past their resolution deadline (an escalation to the supervisor, notifications) —
clear the previous round's output, and time one full sweep (run_sweep) in-process. Prints the
query plan of the due query and a table of rounds with wall time and the CPU time of this process
and of its PostgreSQL backend (on a shared machine wall time includes waiting for a CPU).
Target: one sweep ≤ 1 s (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/loopdesk_sweepbench"
TARGET_SECONDS = 1.0
SEED = 20261123


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def organisation():
    from loopdesk.accounts.models import Department, Role, User

    dept, _ = Department.objects.get_or_create(code="logistics", defaults={"name_zh": "物流协调部",
                                                                            "name_en": "Logistics"})
    people = {}
    for username, role in [("b.handler", Role.HANDLER), ("b.supervisor", Role.SUPERVISOR),
                           ("b.manager", Role.MANAGER), ("b.monitor", Role.MONITOR), ("b.admin", Role.ADMIN)]:
        people[role], _ = User.objects.get_or_create(username=username, defaults={
            "role": role, "department": dept, "email": f"{username}@example.com"})
    return dept, people


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(n: int) -> None:
    from django.db import connection

    from loopdesk.classification.models import ProblemType
    from loopdesk.complaints.models import Complaint, Customer
    from loopdesk.deadlines.models import Deadline, SlaPolicy

    dept, people = organisation()
    owner = people["handler"]
    problem_type = ProblemType.objects.get(code="delivery_delay")
    policy = SlaPolicy.objects.get(priority="C", problem_type=None, customer_level="")
    now = datetime.now(UTC)
    rng = random.Random(SEED)
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(f"TRUNCATE {Deadline._meta.db_table}, {Complaint._meta.db_table}, {Customer._meta.db_table} "
                  "RESTART IDENTITY CASCADE")
    raw = connection.connection  # psycopg 3 connection: COPY straight from Python rows
    customers = 10_000
    with raw.cursor() as cur:
        _copy(cur, Customer._meta.db_table, ["name", "anonymous", "phone", "email", "member_no", "region", "industry",
                                             "level", "created_at"],
              ((f"客户{i}", False, f"139{i:08d}", "", "", "上海", "", "normal", now) for i in range(customers)))

        fields = [f for f in Complaint._meta.concrete_fields if not f.primary_key]
        override = {
            "channel": "TEL", "customer_id": None, "subject": "快递一周未送达", "description": "洗衣机一周没送到",
            "problem_type_id": problem_type.pk, "priority": "C", "status": "in_progress",
            "department_id": dept.pk, "owner_id": owner.pk, "nature": "complaint", "severity": "normal",
            "scope": "individual", "risk": "none", "escalation_level": 0,
        }

        def complaint_rows():
            for i in range(n):
                received = now - timedelta(minutes=rng.randint(10, 60 * 24))
                values = {**override, "number": f"B{i:09d}", "customer_id": 1 + i % customers,
                          "received_at": received, "registered_at": received, "accepted_at": received,
                          "last_progress_at": received, "updated_at": received}
                yield [values[f.attname] if f.attname in values else (None if f.null else f.get_default())
                       for f in fields]

        _copy(cur, Complaint._meta.db_table, [f.column for f in fields], complaint_rows())

        columns = ["complaint_id", "kind", "cycle", "state", "policy_id", "amount", "unit", "metric",
                   "budget_seconds", "consumed_seconds", "reminder_share", "started_at", "run_started_at", "due_at",
                   "remind_at", "escalations", "paused_seconds", "pause_count", "next_check_at", "meta",
                   "updated_at"]

        def deadline_rows():
            for i in range(1, n + 1):
                start = now - timedelta(minutes=rng.randint(10, 600))
                resolution_due = now + timedelta(hours=rng.randint(24, 96))
                progress_due = start + timedelta(hours=24)
                for kind, due, budget, unit, metric in (
                        ("resolution", resolution_due, 3 * 27000, "working_days", "working"),
                        ("progress", progress_due, 86400, "clock_hours", "clock")):
                    remind = due - timedelta(seconds=budget * 0.2) if metric == "clock" else due - timedelta(hours=6)
                    yield [i, kind, 1, "running", policy.pk, 3 if kind == "resolution" else 24, unit, metric, budget,
                           0, 0.8, start, start, due, remind, 0, 0, 0, remind, "{}", now]

        _copy(cur, Deadline._meta.db_table, columns, deadline_rows())
    raw.commit()
    print(f"loaded {n:,} complaints and {2 * n:,} deadlines in {time.perf_counter() - started:.1f} s")


def vacuum() -> None:
    from django.db import connection

    from loopdesk.complaints.models import Complaint
    from loopdesk.deadlines.models import Deadline

    with connection.cursor() as c:
        for model in (Complaint, Deadline):
            c.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def prepare_round(due: int, round_no: int, escalate_share: float) -> tuple[datetime, list[int]]:
    """Make `due` complaints due now; wipe what the previous round wrote."""
    from django.db import connection, transaction
    from django.db.models import Q

    from loopdesk.complaints.models import Complaint, Event
    from loopdesk.deadlines.models import Deadline
    from loopdesk.escalation.models import Escalation
    from loopdesk.notifications.models import InboxItem, OutboxMessage

    now = datetime.now(UTC)
    total = Complaint.objects.count()
    ids = random.Random(SEED + round_no).sample(range(1, total + 1), due)
    cut = due - int(due * escalate_share)
    reminders, breaches = ids[:cut], ids[cut:]
    with transaction.atomic(), connection.cursor() as c:
        for model in (Event, Escalation, OutboxMessage, InboxItem):
            c.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
        # Whatever earlier rounds re-armed goes back to "quiet, due in the coming days".
        Deadline.objects.filter(Q(next_check_at__lte=now + timedelta(hours=2)) | Q(breached_at__isnull=False)).update(
            next_check_at=now + timedelta(days=2), reminded_at=None, breached_at=None, escalations=0)
        Complaint.objects.filter(escalation_level__gt=0).update(escalation_level=0)
        Deadline.objects.filter(complaint_id__in=reminders, kind="progress").update(
            run_started_at=now - timedelta(hours=20), due_at=now + timedelta(hours=4),
            remind_at=now - timedelta(minutes=48), next_check_at=now - timedelta(minutes=48), reminded_at=None)
        Deadline.objects.filter(complaint_id__in=breaches, kind="resolution").update(
            due_at=now - timedelta(minutes=5), next_check_at=now - timedelta(minutes=5), reminded_at=now)
    return now, ids


def explain(now: datetime) -> str:
    from loopdesk.deadlines.models import Deadline

    qs = Deadline.objects.filter(next_check_at__lte=now).order_by("next_check_at", "id").values_list(
        "complaint_id", flat=True)[:200]
    return qs.explain(analyze=True)


def backend_cpu(pid: int) -> float | None:
    """CPU seconds the PostgreSQL backend serving us has used (Linux, server on this host), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_round(now: datetime) -> dict:
    from django.db import connection, reset_queries

    from loopdesk.escalation.sweep import Sweep

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    connection.force_debug_cursor = True
    reset_queries()
    server_before, client_before = backend_cpu(pid), time.process_time()
    started = time.perf_counter()
    result = Sweep(now + timedelta(seconds=1)).run()
    elapsed = time.perf_counter() - started
    client = time.process_time() - client_before
    server_after = backend_cpu(pid)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    server = None if server_before is None or server_after is None else server_after - server_before
    return {"result": result, "seconds": elapsed, "queries": queries, "client_cpu": client, "server_cpu": server}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--escalate-share", type=float, default=0.3,
                        help="share of the due complaints whose resolution deadline was missed (default 0.3)")
    parser.add_argument("--reload", action="store_true", help="reload even if the table already holds N rows")
    parser.add_argument("--db", default=os.environ.get("SWEEPBENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    ensure_database(args.db)
    setup_django(args.db)
    from django.db import connection

    from loopdesk.complaints.models import Complaint

    organisation()
    if args.reload or Complaint.objects.count() != args.complaints:
        load(args.complaints)
        vacuum()
    from loopdesk.deadlines.models import Deadline

    open_count = Complaint.objects.filter(status="in_progress").count()
    deadline_count = Deadline.objects.count()
    print(f"database {connection.settings_dict['NAME']} on PostgreSQL "
          f"{connection.pg_version}: {open_count:,} open complaints, "
          f"{deadline_count:,} deadline rows; {args.due} due per round "
          f"({args.due - int(args.due * args.escalate_share)} reminders, {int(args.due * args.escalate_share)} "
          "missed resolutions → escalations)")

    rows = []
    for r in range(1, args.rounds + 1):
        now, _ids = prepare_round(args.due, r, args.escalate_share)
        if r == 1:
            print("\nplan of the due query (first batch):")
            print("  " + explain(now + timedelta(seconds=1)).replace("\n", "\n  "))
        rows.append(run_round(now))

    print(f"\n{'round':>5} {'due':>6} {'handled':>8} {'reminders':>10} {'escalations':>12} {'failed':>7} "
          f"{'queries':>8} {'seconds':>8} {'app cpu':>8} {'db cpu':>7}")
    for r, row in enumerate(rows, start=1):
        res, server = row["result"], row["server_cpu"]
        print(f"{r:>5} {args.due:>6} {res.complaints:>8} {res.reminders:>10} {res.escalations:>12} {res.failed:>7} "
              f"{row['queries']:>8} {row['seconds']:>8.3f} {row['client_cpu']:>8.3f} "
              f"{'n/a' if server is None else f'{server:.2f}':>7}")
    median = statistics.median(row["seconds"] for row in rows)
    verdict = "PASS" if median <= TARGET_SECONDS else "FAIL"
    loadavg = os.getloadavg()[0]
    print(f"\nmedian sweep: {median:.3f} s for {args.due} due of {open_count:,} open "
          f"(target ≤ {TARGET_SECONDS:.1f} s): {verdict}  [{os.cpu_count()} CPUs, load average {loadavg:.1f}]")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
