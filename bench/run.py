#!/usr/bin/env python
"""Loopdesk load benchmark: PostgreSQL with N complaints, the app under gunicorn, wrk as the client.

    .venv/bin/python bench/run.py [--complaints 100000] [--duration 20] [--concurrency 8] [--skip-load]
                                  [--worker-class sync|gthread|both] [--client auto|wrk|python]

Steps: create/migrate the `loopdesk_bench` database, add the organisation and load complaints until
there are N (skipped when there already are), count SQL queries per list page in-process and
EXPLAIN ANALYZE the list/filter/search queries, start gunicorn (2 workers) on a free loopback
port, drive each scenario for --duration seconds at --concurrency connections, read each worker's
peak memory, print the table and write bench/results/latest.json. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/loopdesk_bench"
# gunicorn's own default, and `serve --worker-class sync` behind a buffering proxy: it did better than
# gthread on every scenario at eight connections on each 2-core host measured (docs/PERFORMANCE.md).
DEFAULT_WORKER_CLASS = "sync"

# Targets (docs/PERFORMANCE.md)
CREATE_MIN_RPS = 400
CREATE_MAX_P99 = 100
LIST_MAX_P95 = 30
SEARCH_MAX_P95 = 100
MAX_WORKER_MIB = 150

RARE_TERM = "电动牙刷"
# (name, method, path, kind, token) — kind picks the target; token "agent" sees everything,
# "handler" is a logistics handler, whose list is scoped to the department (SPEC access rules).
SCENARIOS = [
    # No target: a token check and a one-row answer, the least any API request costs here.
    ("who am I (floor: authentication only)", "GET", "/api/v1/me", "floor", "agent"),
    ("list first page", "GET", "/api/v1/complaints", "list", "agent"),
    ("list status=in_progress&priority=A", "GET", "/api/v1/complaints?status=in_progress&priority=A", "list",
     "agent"),
    ("list problem_type=logistics&channel=TEL", "GET", "/api/v1/complaints?problem_type=logistics&channel=TEL",
     "list", "agent"),
    ("list first page (handler scope)", "GET", "/api/v1/complaints", "list", "handler"),
    ("create complaint", "POST", "/api/v1/complaints", "create", "agent"),
    ("search q=洗衣机", "GET", "/api/v1/complaints?q=洗衣机", "search", "agent"),
    ("search q=快递", "GET", "/api/v1/complaints?q=快递", "search", "agent"),
    (f"search q={RARE_TERM} (rare)", "GET", f"/api/v1/complaints?q={RARE_TERM}", "search", "agent"),
    # Two common words that never occur together: the planner expects many matches and walks the
    # primary key backwards, evaluating to_tsvector() on every row (the worst case of the search).
    ("search q=手机 空调 (no match)", "GET", "/api/v1/complaints?q=手机 空调", "search", "agent"),
]


def log(msg: str) -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------------------------------
# Environment and database
# ------------------------------------------------------------------------------------------

def app_env(db_url: str) -> dict[str, str]:
    env = os.environ.copy()
    env.pop("LOOPDESK_PRODUCTION", None)
    env.update({
        "DATABASE_URL": db_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "loopdesk.settings",
        "LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    return env


def ensure_database(db_url: str, reset: bool) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(db_url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            log(f"dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY",
                                           "LOG_LEVEL")})
    os.environ.pop("LOOPDESK_PRODUCTION", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import django

    django.setup()


def machine_info() -> dict:
    info = {"python": platform.python_version(), "cores": os.cpu_count(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        m = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        info["cpu"] = m.group(1).strip() if m else ""
        mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["memory_gib"] = round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None
    except OSError:
        pass
    try:
        info["git_commit"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                            capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        info["git_commit"] = ""
    return info


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def pg_info() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
        out = {"version": version}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "max_connections"):
            cur.execute(f"SHOW {name}")
            out[name] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('complaints_complaint')), "
                    "pg_size_pretty(pg_relation_size('cmp_search_gin'))")
        out["complaint_table_size"], out["search_index_size"] = cur.fetchone()
    return out


# ------------------------------------------------------------------------------------------
# In-process checks: queries per page, EXPLAIN ANALYZE, the queries of one create
# ------------------------------------------------------------------------------------------

_INDEX_RE = re.compile(r"(?:Bitmap Index Scan on|Index Only Scan(?: Backward)? using|Index Scan(?: Backward)? using)"
                       r" (\w+)")


def _main_query(queries: list[dict]) -> dict | None:
    cands = [q for q in queries if 'FROM "complaints_complaint"' in q["sql"] and "LIMIT" in q["sql"]]
    return max(cands, key=lambda q: float(q["time"])) if cands else None


def explain(sql: str) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)  # warm the cache first
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cur.fetchall())
    m = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {"execution_ms": float(m.group(1)) if m else None,
            "indexes": sorted(set(_INDEX_RE.findall(plan))),
            "seq_scan": "Seq Scan on complaints_complaint" in plan,
            "top": plan.splitlines()[0] if plan else "", "plan": plan}


def inprocess_checks(tokens: dict[str, str], body: bytes, do_explain: bool) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out: dict = {"pages": {}, "explain": {}, "create": {}}
    explain_dir = RESULTS / "explain"
    explain_dir.mkdir(parents=True, exist_ok=True)
    for name, method, path, kind, who in SCENARIOS:
        if method != "GET" or kind == "floor":
            continue
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}", "HTTP_ACCEPT_LANGUAGE": "zh-hans"}
        sep = "&" if "?" in path else "?"
        client.get(path, **headers)  # warm-up (and the token's once-a-minute last_used_at write)
        row = {}
        for limit in (10, 100):
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(f"{path}{sep}limit={limit}", **headers)
            items = len(resp.json().get("items", [])) if resp.status_code == 200 else None
            row[f"limit_{limit}"] = {"status": resp.status_code, "queries": len(ctx.captured_queries),
                                     "items": items,
                                     "sql_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2)}
        row["equal"] = row["limit_10"]["queries"] == row["limit_100"]["queries"]
        out["pages"][name] = row
        if do_explain:
            with CaptureQueriesContext(connection) as ctx:
                client.get(path, **headers)
            main = _main_query(ctx.captured_queries)
            if main:
                ex = explain(main["sql"])
                slug = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_") or "q"
                slug += "_" + hashlib.sha256(name.encode()).hexdigest()[:6]
                (explain_dir / f"{slug}.txt").write_text(f"-- {name}\n{main['sql']}\n\n{ex['plan']}\n")
                ex["file"] = str((explain_dir / f"{slug}.txt").relative_to(ROOT))
                ex["sql"] = main["sql"]
                out["explain"][name] = ex
    # One create, in-process: how many queries and which ones cost the most (after one that warms the
    # per-process caches, as in a running worker).
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens['agent']}", "HTTP_IDEMPOTENCY_KEY": f"inproc-{uuid.uuid4()}"}
    client.post("/api/v1/complaints", body, content_type="application/json",
                **{**headers, "HTTP_IDEMPOTENCY_KEY": f"inproc-warm-{uuid.uuid4()}"})
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post("/api/v1/complaints", body, content_type="application/json", **headers)
    wall = (time.perf_counter() - t0) * 1000
    qs = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    out["create"] = {"status": resp.status_code, "queries": len(ctx.captured_queries), "wall_ms": round(wall, 2),
                     "sql_ms": round(sum(float(q["time"]) for q in qs) * 1000, 2),
                     "slowest": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:300]} for q in qs[:6]]}
    (RESULTS / "create_queries.sql").write_text(
        "\n\n".join(f"-- {float(q['time']) * 1000:.2f} ms\n{q['sql']}" for q in ctx.captured_queries) + "\n")
    return out


# ------------------------------------------------------------------------------------------
# Create payloads
# ------------------------------------------------------------------------------------------

def make_bodies(k: int, seed: int = 7) -> list[str]:
    import random

    import dataset

    from loopdesk.complaints.models import Customer

    r = random.Random(seed)
    gen = dataset.TextGen(r)
    known = list(Customer.objects.exclude(phone="").order_by("?").values("name", "phone", "region", "level")[:500])
    from django.utils import timezone

    now = timezone.now()
    bodies = []
    for _ in range(k):
        code = gen.pick(gen.types)
        product = gen.pick(gen.products)
        if known and r.random() < 0.6:
            cu = dict(r.choice(known))
        else:
            cu = {"name": dataset.person_name(r), "phone": f"17{r.randint(0, 10**9 - 1):09d}",
                  "region": r.choice(dataset.CITIES), "level": "vip" if r.random() < 0.08 else "normal"}
        ctx = gen.context(now, product, cu["region"] or "上海")
        subjects, descriptions, demands = dataset.T[code]
        body = {
            "channel": gen.pick(gen.channels), "channel_ref": f"CALL-{r.randint(10**6, 10**7 - 1)}",
            "customer": cu, "subject": gen.fill(r.choice(subjects), ctx)[:200],
            "description": gen.fill(r.choice(descriptions), ctx) + (r.choice(dataset.NOISE) if r.random() < .5 else ""),
            "core_demand": gen.fill(r.choice(demands), ctx), "order_no": ctx["order"], "product": product,
            "problem_type": code, "severity": r.choices(["normal", "important", "urgent"], [75, 18, 7])[0],
            "risk": r.choices(["none", "low", "medium", "high"], [80, 8, 7, 5])[0],
        }
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


def write_lua_bodies(bodies: list[str], path: Path) -> None:
    def longstr(s: str) -> str:
        level = 0
        while f"]{'=' * level}]" in s:
            level += 1
        return f"[{'=' * level}[{s}]{'=' * level}]"

    path.write_text("return {\n" + ",\n".join(longstr(b) for b in bodies) + "\n}\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------
# Server
# ------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, worker_class: str, workers: int, threads: int):
        self.port = free_port()
        self.worker_class = worker_class
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        cmd = [str(gunicorn) if gunicorn.exists() else "gunicorn", "loopdesk.wsgi:application",
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", worker_class,
               "--timeout", "60", "--log-level", "warning", "--worker-tmp-dir", "/dev/shm"]  # noqa: S108
        if worker_class == "gthread":
            cmd += ["--threads", str(threads)]
        self.cmd = cmd
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / f"gunicorn-{worker_class}.log"
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v1/me",
                                             headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(req, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        master = self.proc.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def memory(self) -> dict:
        out = {}
        for pid in [self.proc.pid, *self.worker_pids()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
            rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
            out["master" if pid == self.proc.pid else f"worker {pid}"] = {"VmHWM_MiB": round(hwm, 1),
                                                                            "VmRSS_MiB": round(rss, 1)}
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group of the gunicorn started above
                self.proc.wait()
        self.log_file.close()


def cpu_times(pids: list[int] | None = None, name: str | None = None) -> dict[int | str, float]:
    """CPU seconds (user + system) per process: of these pids, or of every process with this name;
    and under "reaped <pid>", what the children each has waited for used (cutime + cstime)."""
    hz = os.sysconf("SC_CLK_TCK")
    out: dict[int | str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pids is not None and int(entry.name) not in pids):
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if name is not None and stat[stat.index("(") + 1:stat.rindex(")")] != name:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(entry.name)] = (int(fields[11]) + int(fields[12])) / hz
        out[f"reaped {entry.name}"] = (int(fields[13]) + int(fields[14])) / hz
    return out


def cpu_spent(before: dict[int | str, float], after: dict[int | str, float]) -> float:
    """CPU seconds spent between two cpu_times() readings. A process that ended in between (a
    PostgreSQL backend whose connection was renewed after CONN_MAX_AGE) is counted through its
    parent's reaped time, less what it had used before the first reading."""
    alive = sum(t - before.get(key, 0.0) for key, t in after.items())
    ended = sum(t for key, t in before.items() if isinstance(key, int) and key not in after)
    return alive - ended


# ------------------------------------------------------------------------------------------
# Load generation
# ------------------------------------------------------------------------------------------

def run_wrk(port: int, method: str, path: str, token: str, duration: float, concurrency: int,
            bodies_file: Path | None) -> dict:
    parts = urllib.parse.urlsplit(path)
    quoted = urllib.parse.quote(parts.path) + ("?" + urllib.parse.quote(parts.query, safe="=&") if parts.query
                                               else "")
    env = os.environ.copy()
    env.update({"BENCH_TOKEN": token, "BENCH_METHOD": method, "BENCH_RUN": uuid.uuid4().hex[:12]})
    if bodies_file:
        env["BENCH_BODIES"] = str(bodies_file)
    cmd = ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
           "--timeout", "10s", "-s", str(BENCH / "wrk" / "bench.lua"), f"http://127.0.0.1:{port}{quoted}"]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + 120, check=False)
    m = re.search(r"^WRKJSON (.+)$", res.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk failed ({res.returncode}): {res.stdout[-800:]} {res.stderr[-800:]}")
    out = json.loads(m.group(1))
    s = re.search(r"^WRKSAMPLE ?(.*)$", res.stdout, re.M)
    out["sample"] = s.group(1).strip() if s else ""
    out["client"] = "wrk"
    return out


def run_python(port: int, method: str, path: str, token: str, duration: float, concurrency: int,
               bodies: list[str] | None) -> dict:
    import pyclient

    parts = urllib.parse.urlsplit(path)
    quoted = urllib.parse.quote(parts.path) + ("?" + urllib.parse.quote(parts.query, safe="=&") if parts.query
                                               else "")
    out = pyclient.run("127.0.0.1", port, quoted, token=token, duration=duration, concurrency=concurrency,
                       method=method, bodies=[b.encode() for b in bodies or []], run_id=uuid.uuid4().hex[:12])
    out["client"] = "python"
    return out


def target_for(kind: str) -> str:
    return {"floor": "(reference)", "create": f">= {CREATE_MIN_RPS}/s, p99 <= {CREATE_MAX_P99} ms",
            "list": f"p95 <= {LIST_MAX_P95} ms", "search": f"p95 <= {SEARCH_MAX_P95} ms"}[kind]


def passes(kind: str, r: dict) -> bool | None:
    if kind == "floor":
        return None
    lat = r["latency_ms"]
    clean = r["ok"] > 0 and r["http_5xx"] == 0 and r["http_4xx"] == 0 and r["errors"]["timeout"] == 0
    if kind == "create":
        return clean and r["rps"] >= CREATE_MIN_RPS and lat["p99"] <= CREATE_MAX_P99
    if kind == "list":
        return clean and lat["p95"] <= LIST_MAX_P95
    return clean and lat["p95"] <= SEARCH_MAX_P95


def run_class(args, env, worker_class: str, tokens: dict, bodies: list[str], bodies_file: Path,
              use_wrk: bool) -> dict:
    log(f"\n== gunicorn --worker-class {worker_class} ({args.workers} workers"
        + (f" x {args.threads} threads" if worker_class == "gthread" else "") + ")")
    server = Server(env, worker_class, args.workers, args.threads)
    results: dict = {"command": " ".join(server.cmd[1:]), "scenarios": {}}
    try:
        server.wait_ready(tokens["agent"])
        wanted = [s for s in SCENARIOS if not args.only or any(o in s[0] for o in args.only.split(","))]
        for name, method, path, kind, who in wanted:
            def once(seconds: float, method=method, path=path, who=who) -> dict:
                if use_wrk:
                    return run_wrk(server.port, method, path, tokens[who], seconds, args.concurrency,
                                   bodies_file if method == "POST" else None)
                return run_python(server.port, method, path, tokens[who], seconds, args.concurrency,
                                  bodies if method == "POST" else None)

            if args.warmup > 0:
                once(args.warmup)
            before = loadavg()
            workers = server.worker_pids()
            app0, db0 = cpu_times(workers), cpu_times(name="postgres")
            r = once(args.duration)
            answered = max(1, r["ok"] + r["http_4xx"] + r["http_5xx"])
            # Where a request's time goes: the app's workers and PostgreSQL (the client, wrk, is apart).
            app, db = cpu_spent(app0, cpu_times(workers)), cpu_spent(db0, cpu_times(name="postgres"))
            r["cpu_ms_per_request"] = {"app": round(app / answered * 1000, 2), "db": round(db / answered * 1000, 2)}
            r.update({"kind": kind, "path": path, "as": who, "target": target_for(kind), "loadavg_before": before,
                      "pass": passes(kind, r)})
            results["scenarios"][name] = r
            time.sleep(args.settle)  # let requests still queued in gunicorn drain before the next scenario
            lat = r["latency_ms"]
            log(f"  {name:<42} {r['rps']:>8.1f}/s  p50 {lat['p50']:>7.1f}  p95 {lat['p95']:>7.1f}  "
                f"p99 {lat['p99']:>7.1f} ms  cpu/req app {r['cpu_ms_per_request']['app']:.1f} "
                f"db {r['cpu_ms_per_request']['db']:.1f} ms  ok={r['ok']} 4xx={r['http_4xx']} 5xx={r['http_5xx']} "
                f"err={sum(r['errors'].values()) - r['errors']['status']}"
                + (f"  sample: {r['sample'][:160]}" if r.get("sample") else ""))
        results["memory"] = server.memory()
        workers = [v["VmHWM_MiB"] for k, v in results["memory"].items() if k.startswith("worker")]
        results["max_worker_hwm_mib"] = max(workers) if workers else None
        log("  memory: " + ", ".join(f"{k} HWM {v['VmHWM_MiB']} MiB" for k, v in results["memory"].items()))
    finally:
        server.stop()
    return results


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------

def _w(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, n: int, right: bool = False) -> str:
    fill = " " * max(0, n - _w(s))
    return fill + s if right else s + fill


def table(rows: list[list[str]]) -> str:
    widths = [max(_w(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("| " + " | ".join(_pad(c, widths[i], right=i in (2, 3, 4, 5, 6) and j > 0)
                                       for i, c in enumerate(r)) + " |")
        if j == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def build_rows(runs: dict, pages: dict) -> list[list[str]]:
    rows = [["scenario", "workers", "req/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/req app+db", "target", "result"]]
    for wc, run in runs.items():
        for name, r in run["scenarios"].items():
            lat = r["latency_ms"]
            if r["ok"] == 0 or lat["max"] == 0:  # nothing answered in time: the percentiles are empty, not zero
                rows.append([name, wc, f"{r['rps']:.1f}", "-", "-", "-", "", r["target"],
                             f"FAIL ({r['ok']} answers in {r['seconds']:.0f} s, {r['errors']['timeout']} timeouts)"])
                continue
            cpu = r.get("cpu_ms_per_request")
            rows.append([name, wc, f"{r['rps']:.0f}", f"{lat['p50']:.1f}", f"{lat['p95']:.1f}", f"{lat['p99']:.1f}",
                         f"{cpu['app']:.1f} + {cpu['db']:.1f}" if cpu else "", r["target"],
                         "-" if r["pass"] is None else "PASS" if r["pass"] else "FAIL"])
        hwm = run.get("max_worker_hwm_mib")
        if hwm is not None:
            rows.append(["peak memory per worker (VmHWM)", wc, "", "", "", "", "", f"<= {MAX_WORKER_MIB} MiB",
                         f"{'PASS' if hwm <= MAX_WORKER_MIB else 'FAIL'} {hwm:.0f} MiB"])
    if pages:
        equal = all(p["equal"] for p in pages.values())
        detail = ", ".join(f"{p['limit_10']['queries']}/{p['limit_100']['queries']}" for p in pages.values())
        rows.append(["SQL queries per page, limit 10 vs 100", "in-process", "", "", "", "", "", "equal",
                     f"{'PASS' if equal else 'FAIL'} ({detail})"])
    return rows


def geomean(values: list[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def better_class(runs: dict) -> str:
    """The worker class with the higher geometric mean of req/s over scenarios every class answered."""
    common = [name for name in next(iter(runs.values()))["scenarios"]
              if all(name in run["scenarios"] and run["scenarios"][name]["ok"] > 0 for run in runs.values())]
    return max(runs, key=lambda wc: geomean([runs[wc]["scenarios"][n]["rps"] for n in common]))


def prewarm() -> str:
    """Read the complaint table and its indexes into memory first: a serving database has them
    cached, and a cold read after another benchmark (or a reboot) made the first scenario's p95 a
    measure of the disk instead of the app."""
    from django.db import connection

    tables = ["complaints_complaint", "complaints_customer", "deadlines_deadline"]
    with connection.cursor() as c:
        try:
            c.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except Exception:  # contrib not installed: read the rows instead
            for t in tables:
                c.execute(f"SELECT count(*) FROM {t}")  # noqa: S608
            return "pg_prewarm not available; read the tables once"
        c.execute("SELECT coalesce(sum(pg_prewarm(i.indexrelid::regclass)), 0) FROM pg_index i "
                  "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s)", [tables])
        index_pages = c.fetchone()[0]
        c.execute("SELECT sum(pg_prewarm(t::regclass)) FROM unnest(%s::text[]) t", [tables])
        return f"{c.fetchone()[0] + index_pages:,} pages of {', '.join(tables)} and their indexes"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--complaints", type=int, default=100_000, help="complaints the database should hold")
    ap.add_argument("--duration", type=float, default=20, help="seconds per scenario")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent connections")
    ap.add_argument("--skip-load", action="store_true", help="use the database as it is")
    ap.add_argument("--reset", action="store_true", help="drop and recreate the bench database first")
    ap.add_argument("--load-only", action="store_true", help="create/load the database, then stop")
    ap.add_argument("--worker-class", choices=["sync", "gthread", "both"], default=DEFAULT_WORKER_CLASS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    ap.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each scenario")
    ap.add_argument("--settle", type=float, default=3, help="idle seconds after each scenario")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--only", default="", help="comma-separated substrings of scenario names to run")
    ap.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--report", action="store_true", help="only print the table of bench/results/latest.json")
    args = ap.parse_args()
    if args.report:
        saved = json.loads((RESULTS / "latest.json").read_text())
        log(table(build_rows(saved["runs"], saved["inprocess"]["pages"])))
        if len(saved["runs"]) > 1:
            log(f"\nbetter worker class (geometric mean of req/s): {better_class(saved['runs'])}")
        return 0

    started = datetime.now(UTC)
    env = app_env(args.database_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if args.client == "wrk" and not shutil.which("wrk"):
        log("wrk is not installed (apt-get install -y wrk)")
        return 2
    log(f"client: {'wrk' if use_wrk else 'python thread pool (wrk not found)'}; load average {loadavg()}")

    ensure_database(args.database_url, args.reset)
    setup_django(env)
    import dataset
    from django.core.management import call_command
    from django.db import connections

    from loopdesk.accounts.models import ApiToken, User

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - t0:.1f}s")
    dataset.ensure_org()
    have = dataset.complaint_count()
    load_info: dict = {"before": have}
    if args.skip_load:
        log(f"--skip-load: using the {have} complaints in the database")
    elif have >= args.complaints:
        log(f"database already has {have} >= {args.complaints} complaints: not loading")
    else:
        log(f"loading {args.complaints - have} complaints (have {have})")
        load_info.update(dataset.load(args.complaints - have, log=log))
    load_info["after"] = dataset.complaint_count()
    if args.load_only:
        log(f"--load-only: the database holds {load_info['after']} complaints")
        return 0

    log(f"prewarm: {prewarm()}")
    tokens = {"agent": ApiToken.issue(User.objects.get(username=dataset.BENCH_USER), "bench")[1],
              "handler": ApiToken.issue(User.objects.get(username=dataset.BENCH_HANDLER), "bench")[1]}
    terms = dataset.term_counts(["洗衣机", "快递", RARE_TERM, "手机 空调"])
    log("search matches: " + ", ".join(f"{k} {v}" for k, v in terms.items()))
    bodies = make_bodies(2000)
    bodies_file = RESULTS / "create_bodies.lua"
    write_lua_bodies(bodies, bodies_file)

    log("in-process: queries per page (limit 10 vs 100), EXPLAIN ANALYZE, one create")
    inproc = inprocess_checks(tokens, bodies[0].encode(), not args.no_explain)
    for name, p in inproc["pages"].items():
        ex = inproc["explain"].get(name, {})
        log(f"  {name:<42} queries {p['limit_10']['queries']} vs {p['limit_100']['queries']}"
            f" ({'equal' if p['equal'] else 'DIFFERENT'}); SQL {p['limit_10']['sql_ms']}/{p['limit_100']['sql_ms']} ms"
            + (f"; plan {ex.get('execution_ms')} ms via {', '.join(ex.get('indexes') or ['no index'])}"
               f"{' + SEQ SCAN' if ex.get('seq_scan') else ''}" if ex else ""))
    c = inproc["create"]
    log(f"  create: HTTP {c['status']}, {c['queries']} queries, SQL {c['sql_ms']} ms, wall {c['wall_ms']} ms")
    pg = pg_info()
    connections.close_all()

    classes = ["sync", "gthread"] if args.worker_class == "both" else [args.worker_class]
    runs = {wc: run_class(args, env, wc, tokens, bodies, bodies_file, use_wrk) for wc in classes}
    best = better_class(runs)

    rows = build_rows(runs, inproc["pages"])
    log("\n" + table(rows))
    if len(runs) > 1:
        log(f"\nbetter worker class on this machine (geometric mean of req/s): {best}")
    result = {
        "started": started.isoformat(), "finished": datetime.now(UTC).isoformat(),
        "args": vars(args), "machine": machine_info(), "loadavg_end": loadavg(), "postgres": pg,
        "dataset": {**load_info, "search_matches": terms},
        "client": "wrk" if use_wrk else "python", "inprocess": inproc, "runs": runs,
        "better_worker_class": best, "table": rows,
        "targets": {"create_min_rps": CREATE_MIN_RPS, "create_max_p99_ms": CREATE_MAX_P99,
                    "list_max_p95_ms": LIST_MAX_P95, "search_max_p95_ms": SEARCH_MAX_P95,
                    "max_worker_mib": MAX_WORKER_MIB},
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    log(f"\nwrote {(RESULTS / 'latest.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
