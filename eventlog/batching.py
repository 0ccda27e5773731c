"""A cursor that sends the statements it is given a batch at a time, for rebuilds.

A rebuild replays the whole log through handlers written one event at a time, a few statements
each: sent one by one, the round trips, not PostgreSQL, set the pace. This cursor turns each
`execute` into text (psycopg2's own `mogrify`) and sends a batch as one multi-statement query.
Anything else asked of it (a fetch, `rowcount`, `description`) first sends what is pending, so
a handler that reads sees every write before it, and reads the answer of its own last
statement, as with a plain cursor. An error surfaces at the send, perhaps in a later
event's handler: harmless in a rebuild, which is one transaction that stands or falls whole.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extensions import connection as Connection
from psycopg2.extensions import cursor as Cursor

BATCH = 200  # statements per round trip


class BatchedCursor:
    def __init__(self, cur: Cursor, batch: int = BATCH):
        self._cur, self._batch = cur, batch
        self._pending: list[bytes] = []

    @property
    def connection(self) -> Connection:
        """The connection, without sending what is pending (it does not depend on it)."""
        return self._cur.connection

    def mogrify(self, sql: Any, params: Any = None) -> bytes:
        """As the cursor's (execute_values builds its statement with it): nothing is sent."""
        return self._cur.mogrify(sql, params)

    def execute(self, sql: Any, params: Any = None) -> None:
        self._pending.append(self._cur.mogrify(sql, params))
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            statements, self._pending = self._pending, []
            self._cur.execute(b";\n".join(statements))

    def __getattr__(self, name: str) -> Any:
        self.flush()
        return getattr(self._cur, name)
