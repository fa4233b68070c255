"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a persistent connection `SELECT 1` before the first query of
every request: one more round trip for each, half of what authentication-only requests send. A
connection the server has ended (a restart, `pg_terminate_backend`, an idle timeout) has told us so on
its socket before closing it, so reading what is waiting there answers the same question locally.
A connection that breaks silently (a cable pulled) fails its next query either way, as it would have
after a successful `SELECT 1`; Django then drops it at the end of that request.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

_FINE = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed:
            return False
        pgconn = conn.pgconn
        try:
            if select.select([pgconn.socket], [], [], 0)[0]:
                # Something arrived while idle: the server's goodbye and end of stream, or (harmless) a
                # parameter report. libpq reads it and marks the connection bad on the former.
                pgconn.consume_input()
        except (OSError, ValueError, psycopg.Error):
            return False
        return pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status in _FINE
