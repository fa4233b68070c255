#!/usr/bin/env python
"""Instructions per API request, counted by valgrind: a figure that does not move with the host.

    .venv/bin/python bench/instructions.py [--only list,create] [--requests 10,40]

On a shared 2-core host, CPU time per request varies by ±30 % between runs of the same code
(docs/PERFORMANCE.md), more than most single changes save. This counts the worker's instructions
instead: each scenario of bench/run.py is answered in-process through the real WSGI application
(middleware, authentication, view, JSON; no HTTP server, no client) against the benchmark database,
under `valgrind --tool=callgrind`, once with a few requests and once with more; the difference
divided by the extra requests is the cost of one request, without start-up and warm-up. PostgreSQL's
own work is not in it (see bench/run.py's CPU column for that). Needs valgrind
(`apt-get install -y valgrind`) and the database bench/run.py loads.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH)]

import run as benchrun  # noqa: E402 - the scenarios and settings of the HTTP benchmark

WARMUP = 10


def _environ(method: str, path: str, token: str, body: bytes) -> dict:
    # WSGI wants the query as ASCII: percent-encode what is not.
    target, _, query = path.partition("?")
    query = urllib.parse.quote(query, safe="=&,")
    return {
        "REQUEST_METHOD": method, "PATH_INFO": target, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_IDEMPOTENCY_KEY": f"instr-{uuid.uuid4()}", "HTTP_ACCEPT_LANGUAGE": "zh-hans",
        "HTTP_HOST": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def inner(name: str, requests: int, db_url: str) -> None:
    """Answer `requests` requests of scenario `name` after the warm-up (run under valgrind)."""
    benchrun.setup_django(benchrun.app_env(db_url))
    import dataset

    from loopdesk.accounts.models import ApiToken, User
    from loopdesk.wsgi import application

    _name, method, path, _kind, who = next(s for s in benchrun.SCENARIOS if s[0] == name)
    user = dataset.BENCH_USER if who == "agent" else dataset.BENCH_HANDLER
    token = ApiToken.issue(User.objects.get(username=user), "instructions")[1]
    bodies = [b.encode() for b in benchrun.make_bodies(60)] if method == "POST" else [b""]

    def one(i: int) -> None:
        status = []
        out = b"".join(application(_environ(method, path, token, bodies[i % len(bodies)]),
                                   lambda s, h, *a: status.append(s)))
        if not status[0].startswith("20"):
            raise SystemExit(f"{name}: {status[0]} {out[:300]!r}")

    for i in range(WARMUP + requests):
        one(i)


def count(name: str, requests: int, db_url: str) -> subprocess.Popen:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
           "--inner", name, "--inner-requests", str(requests), "--database-url", db_url]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def collected(proc: subprocess.Popen) -> int:
    out, _ = proc.communicate()
    m = re.search(r"Collected : (\d+)", out)
    if proc.returncode != 0 or not m:
        raise SystemExit(f"valgrind run failed:\n{out[-2000:]}")
    return int(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated substrings of scenario names")
    ap.add_argument("--requests", default="10,40", help="the two request counts whose difference is measured")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", benchrun.DEFAULT_DB))
    ap.add_argument("--inner", help=argparse.SUPPRESS)
    ap.add_argument("--inner-requests", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        inner(args.inner, args.inner_requests, args.database_url)
        return 0
    few, many = (int(n) for n in args.requests.split(","))
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    names = [s[0] for s in benchrun.SCENARIOS if not wanted or any(w in s[0] for w in wanted)]
    rows = []
    for name in names:
        # The two runs side by side: one per core.
        a, b = count(name, few, args.database_url), count(name, many, args.database_url)
        per = (collected(b) - collected(a)) / (many - few) / 1e6
        rows.append((name, per))
        print(f"  {name:<42} {per:6.2f} M instructions per request", flush=True)
    print("\n| scenario | M instructions per request |\n|---|---:|")
    for name, per in rows:
        print(f"| {name} | {per:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
