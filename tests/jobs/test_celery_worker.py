"""The same jobs on a real Celery worker with the real Redis broker (skipped when Redis is not reachable)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from loopdesk.complaints.intake import register_complaint
from loopdesk.deadlines.models import Deadline
from loopdesk.escalation.models import Escalation
from loopdesk.notifications.models import InboxItem
from tests.escalation.processes import ROOT, child_env
from tests.escalation.support import intake

# Real commits, because another thread or process must see the rows; the migrated rows come back after.
REAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        pytest.skip(f"Redis not reachable at {settings.CELERY_BROKER_URL} ({exc}); start Redis to run this test")


def _forget_queue(queue: str) -> None:
    """Leave the shared Redis as we found it: kombu keeps a binding per queue."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@REAL
def test_a_celery_worker_sweeps_and_delivers(org, tmp_path):
    _redis_or_skip()
    from loopdesk.celery import app

    c = register_complaint(intake(), actor=org.amy).complaint
    past = timezone.now()
    Deadline.objects.filter(complaint=c, kind="acceptance").update(next_check_at=past, due_at=past)
    queue = f"loopdesk-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"  # never steal work from anyone else's worker
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    log = (tmp_path / "worker.log").open("w")  # a file, not a pipe: a chatty worker can never block on it
    worker = subprocess.Popen(
        [celery, "-A", "loopdesk", "worker", "--pool", "solo", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        app.send_task("loopdesk.sweep", queue=queue)
        app.send_task("loopdesk.deliver", queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if InboxItem.objects.filter(user=org.sam, event="complaint.escalated").exists():
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not sweep and deliver within 60 s")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        _forget_queue(queue)
    assert Escalation.objects.filter(complaint=c).count() == 1
