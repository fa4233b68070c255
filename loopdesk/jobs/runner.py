"""The embedded background loop: the monitor sweep every N seconds, the outbox drained in between.

`run_forever(stop)` is what `manage.py run_jobs` runs and what `manage.py serve` starts in a
thread, so a single process is a complete deployment. It sleeps only when idle, survives errors
(logged, then a short pause) and returns promptly when `stop` is set. Several copies may run at
once (on other machines too): the sweep and the outbox claim their rows.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections, connections

from loopdesk.jobs import conf, work

log = logging.getLogger(__name__)
ERROR_PAUSE = 5.0
# The archive acts on month boundaries: hourly is soon enough, and an idle pass is one indexed query.
ARCHIVE_EVERY = 3600.0


def run_once() -> dict:
    """One sweep, the monitoring scans that are due, and one drain of the outbox."""
    return {"sweep": work.sweep(), "monitoring": work.monitor(), "outbox": work.deliver()}


def run_forever(stop: threading.Event, *, sweep_every: float | None = None, poll: float | None = None) -> None:
    sweep_every = conf.sweep_interval() if sweep_every is None else sweep_every
    poll = conf.outbox_poll() if poll is None else poll
    try:
        _loop(stop, sweep_every, poll)
    finally:
        connections.close_all()  # this thread's connections, so nothing outlives the loop


def _loop(stop: threading.Event, sweep_every: float, poll: float) -> None:
    next_sweep = next_archive = 0.0
    while not stop.is_set():
        close_old_connections()
        busy = False
        try:
            if time.monotonic() >= next_sweep:
                work.sweep()
                next_sweep = time.monotonic() + sweep_every
                work.monitor()  # after the sweep's cadence is set, so a failing scan cannot speed the sweep up
            if time.monotonic() >= next_archive:
                work.archive()
                next_archive = time.monotonic() + ARCHIVE_EVERY
            busy = work.deliver(max_messages=200)["sent"] > 0
        except Exception:
            log.exception("background loop: a step failed; retrying shortly")
            stop.wait(ERROR_PAUSE)
            continue
        finally:
            close_old_connections()
        if not busy:
            stop.wait(max(0.05, min(poll, next_sweep - time.monotonic())))


def start_in_thread(**kwargs) -> tuple[threading.Thread, threading.Event]:
    """Run the loop in a daemon thread (used by `serve`); set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(stop,), kwargs=kwargs, name="loopdesk-jobs", daemon=True)
    thread.start()
    return thread, stop
