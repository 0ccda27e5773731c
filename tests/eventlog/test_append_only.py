"""Append-only is enforced by the database, and `verify` reports whatever got past it."""

import uuid

import psycopg2
import pytest

from eventlog import NewEvent


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE eventlog.events SET data = '{}'",
        "DELETE FROM eventlog.events",
        "TRUNCATE eventlog.events",
        "TRUNCATE eventlog.seals",
    ],
)
@pytest.mark.parametrize("role", ["service", "owner"])
def test_changing_the_log_is_refused_for_every_role(settings, store, statement, role):
    store.append(f"guard-{uuid.uuid4()}", [NewEvent("A", {})], 0)
    url = settings.database_url if role == "service" else settings.admin_database_url
    conn = psycopg2.connect(url)
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def owner_tampers(settings, statement: str, params=()) -> None:
    """What only a determined owner can do: switch the guard off, change the log, switch it on."""
    conn = psycopg2.connect(settings.admin_database_url)
    with conn, conn.cursor() as cur:
        cur.execute("ALTER TABLE eventlog.events DISABLE TRIGGER USER")
        cur.execute(statement, params)
        cur.execute("ALTER TABLE eventlog.events ENABLE TRIGGER USER")
    conn.close()
