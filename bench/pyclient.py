"""Fallback load generator when wrk is not installed: a thread per connection, keep-alive HTTP/1.1.

Python's GIL and the two cores it shares with the server make this client itself a bottleneck
above a few hundred requests/s; wrk is preferred and used whenever it is on PATH.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def run(host: str, port: int, path: str, *, token: str, duration: float, concurrency: int,
        method: str = "GET", bodies: list[bytes] | None = None, run_id: str = "py") -> dict:
    deadline = time.perf_counter() + duration
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "http_4xx": 0, "http_5xx": 0, "errors": 0}
    sample: list[str] = []
    seq = itertools.count()

    def worker(tid: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        local = {"ok": 0, "http_4xx": 0, "http_5xx": 0, "errors": 0}
        while time.perf_counter() < deadline:
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-hans"}
            body = None
            if method == "POST":
                n = next(seq)
                body = bodies[n % len(bodies)]
                headers["Content-Type"] = "application/json"
                headers["Idempotency-Key"] = f"{run_id}-{tid}-{n}"
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                local["errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append((time.perf_counter() - t0) * 1000)
            if resp.status < 300:
                local["ok"] += 1
            else:
                local["http_4xx" if resp.status < 500 else "http_5xx"] += 1
                if not sample:
                    sample.append(f"{resp.status} {data[:400].decode(errors='replace')}")
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in local.items():
                counts[k] += v

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - started
    latencies.sort()
    total = len(latencies)
    return {
        "requests": total, "seconds": round(secs, 3), "rps": round(total / secs, 2) if secs else 0.0,
        "ok": counts["ok"], "http_4xx": counts["http_4xx"], "http_5xx": counts["http_5xx"],
        "errors": {"connect": counts["errors"], "read": 0, "write": 0, "status": 0, "timeout": 0},
        "latency_ms": {
            "mean": round(sum(latencies) / total, 3) if total else 0.0,
            "p50": round(percentile(latencies, 50), 3), "p90": round(percentile(latencies, 90), 3),
            "p95": round(percentile(latencies, 95), 3), "p99": round(percentile(latencies, 99), 3),
            "max": round(latencies[-1], 3) if total else 0.0,
        },
        "sample": sample[0] if sample else "",
    }
