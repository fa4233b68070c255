"""manage.py serve: the supervisor, and gunicorn really serving the app and its static files."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from loopdesk.core.management.commands.serve import Command, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_the_supervisor_stops_processes_and_threads_when_asked():
    sup = Supervisor(log=lambda _m: None)
    sup.add_process("sleeper", SLEEPER)
    stopped = threading.Event()
    sup.add_thread("loop", lambda stop: (stop.wait(), stopped.set()))
    threading.Timer(0.5, sup.request_stop).start()
    assert sup.run(handle_signals=False) == 0
    assert sup.processes[0].popen.poll() is not None
    assert stopped.is_set()


def test_the_supervisor_stops_everything_when_one_part_dies():
    messages: list[str] = []
    sup = Supervisor(log=messages.append)
    sup.add_process("sleeper", SLEEPER)
    sup.add_process("crasher", [sys.executable, "-c", "import sys; sys.exit(3)"])
    started = time.monotonic()
    assert sup.run(handle_signals=False) == 3
    assert time.monotonic() - started < 20
    assert sup.processes[0].popen.poll() is not None
    assert any("crasher exited with code 3" in m for m in messages)


def test_the_supervisor_stops_when_a_background_thread_dies():
    sup = Supervisor(log=lambda _m: None)
    sup.add_process("sleeper", SLEEPER)

    def broken(stop: threading.Event) -> None:
        raise RuntimeError("boom")

    sup.add_thread("loop", broken)
    assert sup.run(handle_signals=False) == 1
    assert sup.processes[0].popen.poll() is not None


def test_serve_runs_gunicorn_and_the_background_loop_unless_told_not_to():
    options = {"host": "127.0.0.1", "port": 8000, "workers": 2, "threads": 4, "worker_class": "gthread",
               "access_log": False, "no_jobs": False}
    sup = Command().build(options)
    gunicorn = sup.processes[0].argv
    assert gunicorn[1:4] == ["-m", "gunicorn", "loopdesk.wsgi:application"]
    assert gunicorn[gunicorn.index("--bind") + 1] == "127.0.0.1:8000"
    assert [t.name for t in sup.threads] == ["background jobs"]
    assert Command().build({**options, "no_jobs": True}).threads == []


def _argument(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def test_serve_runs_threaded_workers_unless_sync_ones_are_asked_for():
    options = {"host": "127.0.0.1", "port": 8000, "workers": 2, "threads": 4, "worker_class": "gthread",
               "access_log": False, "no_jobs": True}
    threaded = Command().build(options).processes[0].argv
    assert (_argument(threaded, "--worker-class"), _argument(threaded, "--threads")) == ("gthread", "4")

    sync = Command().build({**options, "worker_class": "sync"}).processes[0].argv
    assert (_argument(sync, "--worker-class"), _argument(sync, "--threads")) == ("sync", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    # Generous: the first request makes a fresh worker import the whole app, slow on a busy CI machine.
    with urllib.request.urlopen(url, timeout=60) as r:  # noqa: S310 — a local test server
        return r.status, r.read()


def test_serve_runs_gunicorn_with_static_files_and_stops_on_sigterm(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "LOOPDESK_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a throwaway SQLite file: the pages fetched need no data
    root = Path(__file__).resolve().parents[2]
    # --no-jobs: the throwaway database has no tables for the background loop to sweep.
    proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1", "--no-jobs"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)
    reader.start()
    output: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while not any("running at" in line for line in output) and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                output.append(lines.get(timeout=0.5))
        assert any(f"running at http://127.0.0.1:{port}/" in line for line in output), output
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        assert status == 200 and b"Loopdesk" in body
        status, _css = _get(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        reader.join(timeout=5)
    while not lines.empty():
        output.append(lines.get())
    assert proc.returncode == 0, output
    assert any("Loopdesk stopped." in line for line in output)
