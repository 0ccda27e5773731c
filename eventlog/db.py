"""A small psycopg2 connection pool with transaction scopes, shared by the store and projections.

Under eventlet's monkey-patching psycopg2 waits cooperatively, so one pool serves every green
thread of a nameko worker pool; the pool's lock is then a green lock.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg2
import psycopg2.extras
from psycopg2.extensions import connection as Connection
from psycopg2.extensions import cursor as Cursor

psycopg2.extras.register_uuid()

# Log readers wait for every transaction that holds a transaction id (see store.py). A client
# that dies or hangs inside a transaction would hold them all back until TCP gives up on it: the
# first setting bounds an idle one (nothing the library does stays idle in a transaction for
# nearly as long); the second has the server notice a vanished client during a long statement,
# and so release its locks (the relay's among them) in seconds.
SESSION_OPTIONS = (
    "-c idle_in_transaction_session_timeout=30s -c client_connection_check_interval=5s"
)


@dataclass(frozen=True)
class Prepared:
    """A statement prepared once per connection: `sql` takes $1, $2… of the given types."""

    name: str
    types: tuple[str, ...]
    sql: str

    @property
    def prepare(self) -> str:
        return f"PREPARE {self.name} ({', '.join(self.types)}) AS {self.sql}"

    @property
    def execute(self) -> str:
        return f"EXECUTE {self.name} ({', '.join(['%s'] * len(self.types))})"


# Per connection, the statements prepared on it; a connection dropped takes its own.
_PREPARED: weakref.WeakKeyDictionary[Connection, set[str]] = weakref.WeakKeyDictionary()


def execute_prepared(cur: Cursor, statement: Prepared, params: Sequence[Any]) -> None:
    """Runs a prepared statement, preparing it first on a connection that has not seen it: a
    statement that is long to parse and plan is then parsed and planned once. For a read
    model's handler as for the store (they are given a cursor, not the Database)."""
    names = _PREPARED.setdefault(cur.connection, set())
    if statement.name not in names:
        cur.execute(statement.prepare)
        names.add(statement.name)
    cur.execute(statement.execute, params)


def one(cur: Cursor) -> tuple:
    """The single row a statement must return (an aggregate, a RETURNING of one row)."""
    row = cur.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row


class Database:
    """Connections to one PostgreSQL database, lent out one transaction at a time.

    Statements prepared with `execute_prepared` live in the server session: connect directly,
    or through a pooler in session mode (a transaction-mode pooler would lose them).
    """

    def __init__(self, url: str, max_connections: int = 10):
        self.url = url
        self._max = max_connections
        self._idle: list[Connection] = []
        self._lent = 0
        self._lock = threading.Condition()

    def connect(self) -> Connection:
        """A connection of its own (not pooled), e.g. for a session-level advisory lock."""
        return psycopg2.connect(self.url, options=SESSION_OPTIONS)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        conn = self._borrow()
        try:
            yield conn
        finally:
            self._give_back(conn)

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.connection() as conn:
            try:
                with conn.cursor() as cur:
                    yield cur
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    @contextmanager
    def statement(self, dict_rows: bool = False) -> Iterator[Cursor]:
        """A cursor in autocommit mode: each statement is its own transaction.

        A single INSERT is atomic on its own, so this saves the BEGIN and COMMIT round trips.
        """
        with self.connection() as conn:
            conn.autocommit = True
            factory = psycopg2.extras.RealDictCursor if dict_rows else None
            try:
                with conn.cursor(cursor_factory=factory) as cur:
                    yield cur
            finally:
                if not conn.closed:
                    conn.autocommit = False

    def fetch_all(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        with self.statement(dict_rows=True) as cur:
            cur.execute(sql, params)
            return [dict(row) for row in cur.fetchall()]

    def fetch_one(self, sql: str, params: Any = None) -> dict[str, Any] | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Any = None) -> None:
        with self.transaction() as cur:
            cur.execute(sql, params)

    def close(self) -> None:
        with self._lock:
            while self._idle:
                self._idle.pop().close()

    def _borrow(self) -> Connection:
        with self._lock:
            while not self._idle and self._lent >= self._max:
                self._lock.wait()
            self._lent += 1
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            try:
                conn = self.connect()
            except BaseException:
                self._release_slot()
                raise
        return conn

    def _give_back(self, conn: Connection) -> None:
        # A connection left broken (server restart, killed backend) is dropped, not pooled.
        healthy = not conn.closed and conn.status == psycopg2.extensions.STATUS_READY
        with self._lock:
            self._lent -= 1
            if healthy:
                self._idle.append(conn)
            self._lock.notify()
        if not healthy and not conn.closed:
            conn.close()

    def _release_slot(self) -> None:
        with self._lock:
            self._lent -= 1
            self._lock.notify()
