"""Run the monitor sweep: once (--once), or every --interval seconds until SIGTERM / Ctrl-C."""

from __future__ import annotations

import json
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from loopdesk.escalation.sweep import run_sweep


class Command(BaseCommand):
    help = "Act on due reminders, missed deadlines and monitor alerts (SPEC §6)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one sweep and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between sweeps (default 30).")

    def handle(self, *args, once: bool = False, interval: float = 30.0, **options) -> None:
        if once:
            self.stdout.write(json.dumps(run_sweep().as_dict()))
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            try:
                result = run_sweep()
                if result.complaints:
                    self.stdout.write(json.dumps(result.as_dict()))
            except Exception as exc:  # a database hiccup must not end the loop; the next sweep retries
                self.stderr.write(f"sweep failed: {exc}")
            stop.wait(interval)
