"""The PostgreSQL health check (loopdesk/core/postgresql): no round trip, yet a connection the
server ended is noticed and replaced before a request uses it."""

from __future__ import annotations

import time

import pytest
from django.db import DataError, connection, connections

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections only")


@pytest.fixture
def other():
    """A second connection to the test database, outside the test's transaction."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_live_connection_is_usable_without_asking_the_server(other):
    pid = _pid(other)
    with other.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")

    assert other.is_usable()
    assert _last_statement(pid) == "SELECT 'the last statement'"


@pytest.mark.django_db
def test_a_connection_the_server_ended_is_unusable_and_replaced(other):
    pid = _pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other.is_usable() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not other.is_usable()

    # What Django does before a request's first query when health checks are on.
    other.health_check_done = False
    other.close_if_health_check_failed()
    other.ensure_connection()
    assert _pid(other) != pid


@pytest.mark.django_db
def test_a_connection_inside_a_failed_transaction_is_unusable(other):
    other.set_autocommit(False)
    with pytest.raises(DataError), other.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert not other.is_usable()
    other.rollback()
    other.set_autocommit(True)
    assert other.is_usable()
