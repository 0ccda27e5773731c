"""The gateway's read model (schema `gateway`): its users, for listing and for the demo.

Signing in reads the log, never this table: the throttle must count every failure, including
those the read model has not applied yet. Password hashes stay in the log only. UserLocked comes
from logs written before sign-ins were throttled instead; none is appended now.
"""

from __future__ import annotations

from pathlib import Path

from psycopg2.extensions import cursor as Cursor

from eventlog import Projection, StoredEvent, owner_of

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()


def _registered(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "INSERT INTO gateway.users (username, person_id, admin, registered_at)"
        " VALUES (%(username)s, %(person_id)s, %(admin)s, %(at)s)"
        " ON CONFLICT (username) DO NOTHING",
        {**event.data, "at": event.occurred_at},
    )


def _locked(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "UPDATE gateway.users SET locked_until = %s WHERE username = %s",
        (event.data["until"], owner_of(event)),
    )


def _signed_in(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "UPDATE gateway.users SET last_login_at = %s, locked_until = NULL WHERE username = %s",
        (event.data["at"], owner_of(event)),
    )


PROJECTION = Projection(
    name="gateway",
    categories=("user",),
    schema_sql=SCHEMA_SQL,
    tables=("gateway.users",),
    handlers={
        "UserRegistered": _registered,
        "UserLocked": _locked,
        "LoginSucceeded": _signed_in,
    },
)
