"""Celery tasks: the same jobs as the embedded loop, for deployments with Redis and workers."""

from __future__ import annotations

from celery import shared_task

from loopdesk.jobs import work


@shared_task(name="loopdesk.sweep", ignore_result=True)
def sweep() -> dict:
    return work.sweep()


@shared_task(name="loopdesk.monitor", ignore_result=True)
def monitor() -> dict:
    return work.monitor()


@shared_task(name="loopdesk.deliver", ignore_result=True)
def deliver() -> dict:
    return work.deliver()


@shared_task(name="loopdesk.archive", ignore_result=True)
def archive() -> dict:
    return work.archive()
