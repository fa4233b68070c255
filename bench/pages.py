#!/usr/bin/env python
"""Staff web pages at scale: server time and SQL queries of the pages people open all day.

    .venv/bin/python bench/pages.py [--runs 30] [--database-url postgres://…/loopdesk_bench]

Uses the database `bench/run.py` loads (100,000 complaints by default; run that first). Each page is
rendered in-process through Django's test client, signed in as a real user of the bench
organisation, `--runs` times after two warm-up requests; prints p50/p95 wall time and the number of
SQL queries per page (which must not grow with the page size). No HTTP server, so the figures are
the application's own cost: add the proxy and network on top.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/loopdesk_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    os.environ.update({"DATABASE_URL": args.database_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "loopdesk.settings"})
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.pop("LOOPDESK_PRODUCTION", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loopdesk.accounts.models import Role, User
    from loopdesk.complaints.models import Complaint

    total = Complaint.objects.count()
    agent = User.objects.filter(role=Role.AGENT).order_by("id").first()
    handler = User.objects.filter(role=Role.HANDLER, department__code="logistics").order_by("id").first()
    manager = User.objects.filter(role=Role.MANAGER).order_by("id").first()
    busy = (Complaint.objects.filter(department=handler.department).order_by("-id")
            .values_list("number", flat=True).first())
    pages = [
        ("home (agent)", agent, "/"),
        ("home (handler)", handler, "/"),
        ("complaint list, first page", agent, "/complaints"),
        ("complaint list, 100 rows", agent, "/complaints?per_page=100"),
        ("complaint list, handler scope", handler, "/complaints"),
        ("complaint list, filtered", agent, "/complaints?status=in_progress&priority=A"),
        ("complaint list, search 洗衣机", agent, "/complaints?q=洗衣机"),
        ("complaint page", handler, f"/complaints/{busy}"),
        ("reports, this month", manager, "/reports"),
    ]
    print(f"{total:,} complaints · {args.runs} runs per page · database {connection.settings_dict['NAME']}")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, user, url in pages:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, url
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:<34} {statistics.median(times):>8.1f} {p95:>8.1f} {len(ctx.captured_queries):>8}")


if __name__ == "__main__":
    main()
