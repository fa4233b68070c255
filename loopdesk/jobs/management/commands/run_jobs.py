"""Run the background loop standalone: monitor sweep + outbox delivery, until SIGTERM / Ctrl-C."""

from __future__ import annotations

import json
import signal
import threading

from django.core.management.base import BaseCommand

from loopdesk.jobs.runner import run_forever, run_once


class Command(BaseCommand):
    help = "Run the monitor sweep and deliver notifications (use when the web server does not embed them)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One sweep and one outbox drain, then exit.")

    def handle(self, *args, once: bool = False, **options) -> None:
        if once:
            self.stdout.write(json.dumps(run_once()))
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("background jobs running; stop with Ctrl-C")
        run_forever(stop)
