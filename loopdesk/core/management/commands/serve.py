"""Run Loopdesk: gunicorn serving the app (static files through whitenoise) and the background loop
(loopdesk.jobs: monitor sweep, notification delivery) in a thread, under a small supervisor.

The supervisor owns every part of a running Loopdesk: child processes (gunicorn) and threads
(background loops). Add a part with `Supervisor.add_process` or `Supervisor.add_thread` in
`Command.build`; on SIGINT/SIGTERM, or when any part dies, all parts are stopped and the command
exits (with the failing part's code), so a process manager such as systemd restarts the whole.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

STOP_TIMEOUT = 30.0  # seconds a part gets to finish its work before it is killed
POLL = 0.5


@dataclass
class _Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    popen: subprocess.Popen | None = None


@dataclass
class _Thread:
    name: str
    target: Callable[[threading.Event], None]
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class Supervisor:
    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.processes: list[_Process] = []
        self.threads: list[_Thread] = []
        self._stop = threading.Event()

    def add_process(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.processes.append(_Process(name, argv, {**os.environ, **(env or {})}))

    def add_thread(self, name: str, target: Callable[[threading.Event], None]) -> None:
        """`target(stop)` must return soon after the event `stop` is set."""
        self.threads.append(_Thread(name, target))

    def request_stop(self, *_signal_args: object) -> None:
        self._stop.set()

    def healthy(self) -> bool:
        """No stop requested and every part still running."""
        return not self._stop.is_set() and not self._failure(quiet=True)

    def run(self, *, handle_signals: bool = True, ready: Callable[[], None] | None = None) -> int:
        """Start every part, wait for a stop request or a failure, stop every part. Returns the exit code."""
        if handle_signals:
            signal.signal(signal.SIGINT, self.request_stop)
            signal.signal(signal.SIGTERM, self.request_stop)
        code = 0
        try:
            for p in self.processes:
                # Its own process group: a terminal's Ctrl+C reaches only us, and we stop it in order.
                p.popen = subprocess.Popen(p.argv, env=p.env, process_group=0)  # noqa: S603
            for t in self.threads:
                t.thread = threading.Thread(target=self._run_thread, args=(t,), name=t.name, daemon=True)
                t.thread.start()
            if ready is not None:
                ready()
            while not self._stop.wait(POLL):
                code = self._failure()
                if code:
                    break
        finally:
            self._stop_all()
        return code

    def _run_thread(self, t: _Thread) -> None:
        try:
            t.target(t.stop)
        except Exception:
            # The supervisor notices the thread has ended and stops Loopdesk.
            self.log(f"{t.name} failed:\n{traceback.format_exc()}")

    def _failure(self, *, quiet: bool = False) -> int:
        for p in self.processes:
            rc = p.popen.poll() if p.popen else None
            if rc is not None:
                if not quiet:
                    self.log(f"{p.name} exited with code {rc}; stopping Loopdesk.")
                return rc or 1
        for t in self.threads:
            if t.thread is not None and not t.thread.is_alive():
                if not quiet:
                    self.log(f"{t.name} stopped unexpectedly; stopping Loopdesk.")
                return 1
        return 0

    def _stop_all(self) -> None:
        for t in self.threads:
            t.stop.set()
        running = [p for p in self.processes if p.popen and p.popen.poll() is None]
        for p in running:
            p.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for p in running:
            try:
                p.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{p.name} did not stop in {STOP_TIMEOUT:.0f} s; killing it.")
                p.popen.kill()
                p.popen.wait()
        for t in self.threads:
            if t.thread is not None:
                t.thread.join(timeout=max(0.1, deadline - time.monotonic()))


def wait_for_port(host: str, port: int, *, keep_waiting: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and keep_waiting():
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def browsable_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "localhost"}.get(host, host)  # noqa: S104


class Command(BaseCommand):
    help = "Serve Loopdesk with gunicorn (static files via whitenoise) and the background loop until Ctrl+C or SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
        parser.add_argument(
            "--worker-class", choices=["gthread", "sync"], default="gthread",
            help="gthread (default): threads keep slow or idle clients from holding a worker; sync: one request "
                 "per process, less CPU per request, for use behind a buffering proxy such as nginx")
        parser.add_argument("--access-log", action="store_true", help="log every request to stdout")
        parser.add_argument("--no-jobs", action="store_true",
                            help="do not run the background loop (monitor sweep, notifications) in this process "
                                 "(same as LOOPDESK_EMBEDDED_JOBS=0); run `manage.py run_jobs` or Celery instead")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collecting static files into STATIC_ROOT before starting")

    def handle(self, *args: object, **options: object) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        self._warn_unapplied_migrations()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()  # nothing of ours should hold a connection while we only supervise
        supervisor = self.build(options)
        host, port = options["host"], options["port"]
        base = f"http://{browsable_host(host)}:{port}"

        def ready() -> None:
            if wait_for_port(browsable_host(host), port, keep_waiting=supervisor.healthy):
                self.stdout.write(self.style.SUCCESS(f"Loopdesk is running at {base}/"))
                self.stdout.write(f"API docs: {base}/api/v1/docs · Press Ctrl+C to stop.")
            elif supervisor.healthy():
                self.stderr.write(f"gunicorn has not opened {host}:{port} yet; see its log above.")

        code = supervisor.run(ready=ready)
        self.stdout.write("Loopdesk stopped.")
        if code:
            sys.exit(code)

    def build(self, options: dict) -> Supervisor:
        """Every part of a running Loopdesk. Background loops join here with add_thread/add_process."""
        supervisor = Supervisor(log=self.stderr.write)
        argv = [
            sys.executable, "-m", "gunicorn", "loopdesk.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]), "--worker-class", options["worker_class"],
            "--chdir", str(settings.BASE_DIR), "--graceful-timeout", str(int(STOP_TIMEOUT) - 5),
            "--timeout", "60", "--log-level", "warning",
        ]
        if options["worker_class"] == "gthread":
            argv += ["--threads", str(options["threads"])]
        if options["access_log"]:
            argv += ["--access-logfile", "-"]
        supervisor.add_process("gunicorn", argv, env={"DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE})
        if not options["no_jobs"] and apps.is_installed("loopdesk.jobs"):
            from loopdesk.jobs import conf
            from loopdesk.jobs.runner import run_forever

            # LOOPDESK_EMBEDDED_JOBS=0 when Celery workers (or `manage.py run_jobs`) do the work.
            if conf.embedded_jobs():
                supervisor.add_thread("background jobs", run_forever)
        return supervisor

    def _warn_unapplied_migrations(self) -> None:
        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write(self.style.WARNING(
                "The database has unapplied migrations: run `manage.py migrate` (scripts/start does)."))
