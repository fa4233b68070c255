#!/usr/bin/env python
"""Report benchmark: how long a monthly report takes on PostgreSQL with 1,000,000 complaints.

    .venv/bin/python bench/reports.py [--complaints 1000000] [--reset] [--skip-load] [--runs 5]

Loads complaints straight into PostgreSQL with generate_series (bench/dataset.py writes realistic
text through Python at ~600 rows/s, an hour and a half for a million; the report reads no text, so
this loader writes short text and fills what the figures read instead): a year of complaints
received up to now, 100,000 customers, statuses and timestamps by age, the first-response and
resolution deadlines of each complaint (cycle 1, met or missed against the default targets), a
survey link for each resolved complaint and ratings for about a fifth of them; each complaint row
carries, as the app writes them, the report columns that agree with those rows (first-cycle outcome
of both clocks, survey link sent, rated). The database is
`loopdesk_bench_reports` (separate from bench/run.py's). Then it times, in-process, the figures
(`loopdesk.reports.figures.compute`), the whole page (GET /reports) and the API (GET /api/v1/reports)
for the last full month, with no filter, with one filter, and as a supervisor (department scope).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/loopdesk_bench_reports"
BATCH = 100_000
CUSTOMERS = 100_000
DAYS = 365
TARGET_SECONDS = 1.0

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ensure_database, log  # noqa: E402 — the API benchmark's helpers, shared


def setup_django(db_url: str) -> None:
    os.environ.update({"DATABASE_URL": db_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "loopdesk.settings"})
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.pop("LOOPDESK_PRODUCTION", None)
    for p in (ROOT, ROOT / "bench"):
        if str(p) not in sys.path:
            sys.path.insert(0, str(p))
    import django

    django.setup()


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

# Clock-hour approximations of the default targets (SPEC §3): first response, resolution.
TARGETS = {"A": (3600, 4 * 3600), "B": (4 * 3600, 24 * 3600), "C": (24 * 3600, 72 * 3600)}
PRODUCTS = ["洗衣机", "冰箱", "空调", "手机", "电视", "热水器", "笔记本电脑", "平板电脑", "微波炉", "扫地机器人",
            "油烟机", "净水器", "电饭煲", "吹风机", "蓝牙耳机", "智能手表", "燃气灶", "洗碗机", "空气净化器",
            "电动牙刷"]
REGIONS = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "天津", "苏州", "长沙",
           "郑州", "青岛", "厦门", "合肥", "昆明", "沈阳", "大连"]
DEPT_OF_ROOT = {"logistics": "logistics", "product_function": "tech", "product_quality": "tech",
                "after_sales": "aftersales", "billing": "finance"}


def _array(values) -> str:
    return "(ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "])"


def lookups(cur) -> None:
    """Temporary tables the generator joins: problem types with their department, owners per department."""
    from dataset import ensure_org

    from loopdesk.accounts.models import Role, User
    from loopdesk.classification.models import ProblemType

    depts = ensure_org()
    types = [p for p in ProblemType.objects.select_related("parent") if p.parent_id or not p.children.exists()]
    cur.execute("CREATE TEMP TABLE bt (t int PRIMARY KEY, type_id bigint, dept_id bigint)")
    for i, p in enumerate(types, start=1):
        cur.execute("INSERT INTO bt VALUES (%s, %s, %s)", [i, p.pk, depts[DEPT_OF_ROOT.get(p.root.code, "cs")].pk])
    cur.execute("CREATE TEMP TABLE bo (dept_id bigint, k int, user_id bigint, PRIMARY KEY (dept_id, k))")
    for dept in depts.values():
        role = Role.AGENT if dept.code == "cs" else Role.HANDLER
        for k, uid in enumerate(User.objects.filter(department=dept, role=role).order_by("id")
                                .values_list("id", flat=True)):
            cur.execute("INSERT INTO bo VALUES (%s, %s, %s)", [dept.pk, k, uid])
    cur.execute("CREATE TEMP TABLE bn AS SELECT dept_id, count(*) AS n FROM bo GROUP BY dept_id")
    cur.execute("SELECT count(*) FROM bt")
    return cur.fetchone()[0]


COMPLAINTS_SQL = """
WITH r AS (
  SELECT i,
    (ARRAY['TEL','TEL','TEL','CHAT','CHAT','MAIL','WEB','WEB','SOC','PLAT','API'])[1 + floor(random() * 11)::int] AS ch,
    %(cust0)s + floor(random() * %(ncust)s)::bigint AS cust,
    -- Received in order, as a desk registers them (a month's rows sit together in the table), minus up to 30 min.
    now() - interval '%(days)s days' * (1 - (i - 0.5) / %(n)s) - random() * interval '30 minutes' AS rcv,
    power(random(), 4) * 3600 AS delay_s,
    1 + floor(random() * %(ntypes)s)::int AS t,
    random() AS rp, random() AS rs, random() AS rf, random() AS rr, random() AS rx, random() AS ro,
    %(products)s[1 + floor(power(random(), 1.6) * 20)::int] AS prod,
    %(regions)s[1 + floor(power(random(), 1.4) * 20)::int] AS reg
  FROM generate_series(%(lo)s, %(hi)s) AS i
), s AS (
  SELECT r.*, bt.type_id, bt.dept_id,
    CASE WHEN rp < 0.08 THEN 'A' WHEN rp < 0.35 THEN 'B' ELSE 'C' END AS prio,
    extract(epoch FROM now() - rcv) / 86400 AS age,
    CASE WHEN rs < 0.02 THEN 'cancelled'
         WHEN extract(epoch FROM now() - rcv) < 86400
              THEN (ARRAY['new','accepted','in_progress'])[1 + floor(rs * 3)::int]
         WHEN extract(epoch FROM now() - rcv) < 5 * 86400
              THEN (ARRAY['accepted','in_progress','awaiting_customer','solution_pending','resolved'])
                   [1 + floor(rs * 5)::int]
         WHEN rs < 0.06 THEN 'in_progress' WHEN rs < 0.12 THEN 'resolved' WHEN rs < 0.2 THEN 'callback_pending'
         WHEN rs < 0.22 THEN 'reopened'
         WHEN extract(epoch FROM now() - rcv) > 40 * 86400 AND rs > 0.6 THEN 'archived' ELSE 'closed' END AS st
  FROM r JOIN bt ON bt.t = r.t
), o AS (
  SELECT s.*, bo.user_id AS owner,
    CASE WHEN st IN ('new', 'cancelled') OR rf > 0.97 THEN NULL
         ELSE rcv + power(rf, 2) * CASE prio WHEN 'A' THEN interval '2 hours' WHEN 'B' THEN interval '6 hours'
                                              ELSE interval '30 hours' END END AS fr
  FROM s JOIN bn ON bn.dept_id = s.dept_id JOIN bo ON bo.dept_id = s.dept_id AND bo.k = floor(ro * bn.n)::int
), p AS (
  SELECT o.*,
    CASE WHEN st IN ('resolved', 'callback_pending', 'closed', 'archived')
         THEN coalesce(fr, rcv) + power(rr, 2) * CASE prio WHEN 'A' THEN interval '8 hours'
                                                 WHEN 'B' THEN interval '2 days' ELSE interval '5 days' END END AS res,
    -- The due times of the first cycle of both clocks (DEADLINES_SQL writes the same from these targets).
    rcv + CASE prio WHEN 'A' THEN %(a1)s WHEN 'B' THEN %(b1)s ELSE %(c1)s END * interval '1 second' AS fr_due,
    rcv + CASE prio WHEN 'A' THEN %(a2)s WHEN 'B' THEN %(b2)s ELSE %(c2)s END * interval '1 second' AS res_due,
    random() < 0.18 AS answers  -- rates the survey link (SURVEYS_SQL)
  FROM o
)
INSERT INTO complaints_complaint (
  number, channel, channel_ref, customer_id, order_no, product, region, received_at, registered_at, subject,
  description, facts, core_demand, compensation_kind, problem_type_id, nature, severity, scope, risk, priority,
  priority_override_reason, status, department_id, owner_id, escalation_level, is_repeat, reopen_count,
  accepted_at, first_response_at, last_progress_at, resolved_at, closed_at, archived_at, cancelled_at,
  cancel_reason, resolution_summary, search_text, updated_at,
  first_response_met, resolution_met, survey_invited, rated)
SELECT
  'RB' || lpad(i::text, 9, '0'), ch, CASE WHEN ch IN ('WEB', 'API') OR rx < 0.01 THEN '' ELSE 'REF-' || i END,
  cust, '', prod, reg, rcv, rcv + delay_s * interval '1 second', prod || '问题', '客户反映' || prod || '出现问题', '',
  CASE WHEN rx > 0.985 THEN '' ELSE '尽快处理' END, '', type_id, 'complaint', 'normal', 'individual', 'none', prio,
  '', st, dept_id, CASE WHEN st = 'new' AND ro < 0.5 THEN NULL ELSE owner END, 0, rx < 0.07, (st = 'reopened')::int,
  CASE WHEN st NOT IN ('new', 'cancelled') THEN rcv + interval '20 minutes' END, fr, fr, res,
  CASE WHEN st IN ('closed', 'archived') THEN rcv + interval '6 days' END,
  CASE WHEN st = 'archived' THEN rcv + interval '35 days' END,
  CASE WHEN st = 'cancelled' THEN rcv + interval '1 hour' END,
  CASE WHEN st = 'cancelled' THEN '重复投诉' ELSE '' END,
  CASE WHEN st IN ('resolved', 'callback_pending', 'closed', 'archived') AND rx < 0.995 THEN '已处理' ELSE '' END,
  '', now(),
  -- As deadlines/engine.py keeps them: met or late once done; late once open past due (breached by the
  -- sweep, which leaves cancelled complaints' stopped clocks alone); else undecided.
  CASE WHEN fr IS NOT NULL THEN fr <= fr_due WHEN st <> 'cancelled' AND now() > fr_due THEN false END,
  CASE WHEN res IS NOT NULL THEN res <= res_due WHEN st <> 'cancelled' AND now() > res_due THEN false END,
  res IS NOT NULL, res IS NOT NULL AND answers
FROM p
"""

DEADLINES_SQL = """
INSERT INTO deadlines_deadline (
  complaint_id, kind, cycle, state, amount, unit, metric, budget_seconds, consumed_seconds, reminder_share,
  started_at, run_started_at, due_at, breached_at, escalations, done_at, met, paused_seconds, pause_count, meta,
  updated_at)
SELECT c.id, k.kind, 1,
  CASE WHEN k.done_at IS NOT NULL THEN 'done' WHEN c.status IN ('cancelled') THEN 'stopped' ELSE 'running' END,
  k.budget / 3600.0, 'clock_hours', 'clock', k.budget, 0, 0.8, c.received_at, c.received_at,
  c.received_at + k.budget * interval '1 second',
  CASE WHEN coalesce(k.done_at, now()) > c.received_at + k.budget * interval '1 second'
            AND c.status <> 'cancelled' THEN c.received_at + k.budget * interval '1 second' END,
  0, k.done_at,
  CASE WHEN k.done_at IS NOT NULL THEN k.done_at <= c.received_at + k.budget * interval '1 second' END, 0, 0, '{}',
  now()
FROM complaints_complaint c
CROSS JOIN LATERAL (VALUES
  ('first_response', CASE c.priority WHEN 'A' THEN %(a1)s WHEN 'B' THEN %(b1)s ELSE %(c1)s END, c.first_response_at),
  ('resolution', CASE c.priority WHEN 'A' THEN %(a2)s WHEN 'B' THEN %(b2)s ELSE %(c2)s END, c.resolved_at)
) AS k(kind, budget, done_at)
WHERE c.id BETWEEN %(lo)s AND %(hi)s
"""

SURVEYS_SQL = """
INSERT INTO complaints_surveytoken (complaint_id, nonce, created_at, expires_at, used_at)
SELECT id, md5('bench' || id), resolved_at, resolved_at + interval '7 days',
       CASE WHEN rated THEN resolved_at + interval '1 day' END
FROM complaints_complaint WHERE resolved_at IS NOT NULL AND id BETWEEN %(lo)s AND %(hi)s
"""

RATINGS_SQL = """
INSERT INTO complaints_satisfaction (complaint_id, source, at, response_speed, result, attitude, communication,
                                     comment, dissatisfied)
SELECT complaint_id, 'survey', used_at, s1, s2, s3, s4, '', s2 <= 2 OR (s1 + s2 + s3 + s4) < 12
FROM (SELECT t.complaint_id, t.used_at,
             greatest(1, 5 - floor(power(random(), 2.2) * 5)::int) AS s1,
             greatest(1, 5 - floor(power(random(), 2.0) * 5)::int) AS s2,
             greatest(1, 5 - floor(power(random(), 2.8) * 5)::int) AS s3,
             greatest(1, 5 - floor(power(random(), 2.5) * 5)::int) AS s4
      FROM complaints_surveytoken t WHERE t.used_at IS NOT NULL AND t.complaint_id BETWEEN %(lo)s AND %(hi)s) x
"""


def load(n: int) -> None:
    from django.db import connection, transaction

    from loopdesk.complaints.models import Complaint

    have = Complaint.objects.count()
    if have >= n:
        log(f"{have:,} complaints already there")
        return
    t_all = time.perf_counter()
    with connection.cursor() as cur:
        ntypes = lookups(cur)
        cur.execute("SELECT min(id), count(*) FROM complaints_customer WHERE name LIKE 'bench-%'")
        cust0, ncust = cur.fetchone()
        if not ncust:
            t0 = time.perf_counter()
            # Built from constants of this file only.
            cur.execute(f"""
                INSERT INTO complaints_customer (name, anonymous, phone, email, member_no, region, industry, level,
                                                 created_at)
                SELECT 'bench-' || i, i % 40 = 0,
                       CASE WHEN i % 40 = 0 THEN '' ELSE '139' || lpad(i::text, 8, '0') END,
                       '', '', {_array(REGIONS)}[1 + i % 20], '', CASE WHEN i % 25 = 0 THEN 'vip' ELSE 'normal' END,
                       now()
                FROM generate_series(1, {CUSTOMERS}) AS i""")  # noqa: S608
            cur.execute("SELECT min(id), count(*) FROM complaints_customer WHERE name LIKE 'bench-%'")
            cust0, ncust = cur.fetchone()
            log(f"customers: {ncust:,} in {time.perf_counter() - t0:.1f} s")
    targets = {"a1": TARGETS["A"][0], "b1": TARGETS["B"][0], "c1": TARGETS["C"][0],
               "a2": TARGETS["A"][1], "b2": TARGETS["B"][1], "c2": TARGETS["C"][1]}
    lo = have + 1
    while lo <= n:
        hi = min(lo + BATCH - 1, n)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
            first_id = cur.fetchone()[0] + 1
            cur.execute(COMPLAINTS_SQL % {
                "cust0": cust0, "ncust": ncust, "days": DAYS, "ntypes": ntypes, "lo": lo, "hi": hi, "n": n,
                "products": _array(PRODUCTS), "regions": _array(REGIONS), **targets})
            cur.execute("SELECT max(id) FROM complaints_complaint")
            last_id = cur.fetchone()[0]
            ids = {"lo": first_id, "hi": last_id}
            cur.execute(DEADLINES_SQL % {**targets, **ids})
            cur.execute(SURVEYS_SQL % ids)
            cur.execute(RATINGS_SQL % ids)
        log(f"complaints {lo:,}–{hi:,} with deadlines, survey links and ratings: {time.perf_counter() - t0:.1f} s")
        lo = hi + 1
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    log(f"VACUUM ANALYZE: {time.perf_counter() - t0:.1f} s; load total {time.perf_counter() - t_all:.0f} s")


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------

def _last_full_month():
    from datetime import timedelta

    from django.utils import timezone

    first_this = timezone.localdate().replace(day=1)
    return (first_this - timedelta(days=1)).replace(day=1)


def measure(runs: int) -> list[dict]:
    from django.test import Client

    from loopdesk.accounts.models import ApiToken, User
    from loopdesk.reports.figures import compute
    from loopdesk.reports.query import parse

    month = _last_full_month()
    manager = User.objects.get(username="manager01")
    supervisor = User.objects.get(username="lsuper01")
    base = {"period": "month", "date": month.isoformat()}
    scenarios = [
        ("monthly, no filter", manager, {}),
        ("monthly, priority=A", manager, {"priority": "A"}),
        ("monthly, channel=TEL", manager, {"channel": "TEL"}),
        ("monthly, problem_type=logistics", manager, {"problem_type": "logistics"}),
        ("monthly, supervisor scope (logistics)", supervisor, {}),
        ("weekly, no filter", manager, {"period": "week"}),
    ]
    _row, raw = ApiToken.issue(manager, "bench-reports")
    # The process's first page also compiles the templates and fills per-process caches, which a
    # server does once: timed and logged here, not counted in the runs below.
    cold = Client()
    cold.force_login(manager)
    t0 = time.perf_counter()
    assert cold.get("/reports", base).status_code == 200
    log(f"  first page of the process (templates compiled, not counted): {(time.perf_counter() - t0) * 1000:.0f} ms")
    rows = []
    for name, user, extra in scenarios:
        params = {**base, **extra}
        q = parse(user, params).report_query()
        f = compute(q)  # warm-up
        figure_times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            compute(q)
            figure_times.append(time.perf_counter() - t0)
        client = Client()
        client.force_login(user)
        page_times, api_times = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = client.get("/reports", params)
            page_times.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.status_code
        if name == scenarios[0][0]:
            for _ in range(runs):
                t0 = time.perf_counter()
                r = Client().get("/api/v1/reports", params, HTTP_AUTHORIZATION=f"Bearer {raw}")
                api_times.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.content[:200]
        rows.append({"name": name, "complaints": f.total, "figures": figure_times, "page": page_times,
                     "api": api_times})
        log(f"  {name}: {f.total:,} complaints, median page {statistics.median(page_times) * 1000:.0f} ms")
    return rows


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}" if values else "–"


def _max(values: list[float]) -> str:
    return f"{max(values) * 1000:.0f}" if values else "–"


def table(rows: list[dict]) -> str:
    head = ["report", "complaints", "figures p50 ms", "page p50 ms", "page max ms", "API p50 ms",
            "≤ 1 s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ok = "PASS" if max(r["page"]) <= TARGET_SECONDS else "FAIL"
        lines.append(f"| {r['name']} | {r['complaints']:,} | {_ms(r['figures'])} | {_ms(r['page'])} "
                     f"| {_max(r['page'])} | {_ms(r['api'])} | {ok} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    ap.add_argument("--skip-load", action="store_true", help="use the database as it is")
    ap.add_argument("--load-only", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per scenario (after one warm-up)")
    args = ap.parse_args()
    ensure_database(args.database_url, args.reset)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.skip_load:
        load(args.complaints)
    if args.load_only:
        return 0
    with open("/proc/loadavg") as fh:
        log(f"load average before measuring: {fh.read().split()[:3]}")
    rows = measure(args.runs)
    log("")
    log(table(rows))
    with open("/proc/loadavg") as fh:
        log(f"load average after measuring: {fh.read().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
