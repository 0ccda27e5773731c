"""The gateway's read model (schema `gateway`): its users, for listing and for the demo.

Signing in reads the log, never this table: the throttle must count every failure, including
those the read model has not applied yet. Password hashes stay in the log only. UserLocked comes
from logs written before sign-ins were throttled instead; none is appended now.
"""

from __future__ import annotations

from pathlib import Path

from psycopg2.extensions import cursor as Cursor

from eventlog import Projection, StoredEvent, owner_of, statement

from .. import events as e

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()


def _signed_in(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "UPDATE gateway.users SET last_login_at = %s, locked_until = NULL WHERE username = %s",
        (e.LoginSucceeded.of(event).at, owner_of(event)),
    )


PROJECTION = Projection(
    name="gateway",
    categories=("user",),
    schema_sql=SCHEMA_SQL,
    tables=("gateway.users",),
    handlers={
        e.UserRegistered: statement(
            e.UserRegistered,
            "INSERT INTO gateway.users (username, person_id, admin, registered_at)"
            " VALUES (%(username)s, %(person_id)s, %(admin)s, %(at)s)"
            " ON CONFLICT (username) DO NOTHING",
        ),
        e.UserLocked: statement(
            e.UserLocked,
            "UPDATE gateway.users SET locked_until = %(until)s WHERE username = %(owner)s",
        ),
        e.LoginSucceeded: _signed_in,
    },
    # Passwords stay in the log; a failure locks no one now.
    ignored=(e.PasswordChanged, e.PasswordReset, e.LoginFailed),
)
