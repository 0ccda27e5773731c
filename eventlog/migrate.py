"""Creates the event log's schema as its owner and grants the service role what it may do."""

from __future__ import annotations

from importlib.resources import files

import psycopg2
from psycopg2 import sql
from psycopg2.extensions import parse_dsn

from eventlog.config import Settings

# The service role reads and appends; it may never UPDATE, DELETE or TRUNCATE events, seals or
# blobs.
_GRANTS = """
GRANT USAGE ON SCHEMA eventlog TO {role};
REVOKE ALL ON ALL TABLES IN SCHEMA eventlog FROM {role};
GRANT SELECT, INSERT ON eventlog.events, eventlog.seals, eventlog.blobs TO {role};
GRANT SELECT, INSERT, UPDATE ON eventlog.relay_checkpoints TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON eventlog.subscriptions, eventlog.tracking TO {role};
"""


def service_role(settings: Settings) -> str:
    return parse_dsn(settings.database_url)["user"]


def migrate(settings: Settings) -> None:
    ddl = files("eventlog").joinpath("schema.sql").read_text()
    role = sql.Identifier(service_role(settings))
    conn = psycopg2.connect(settings.admin_database_url)
    try:
        with conn, conn.cursor() as cur:
            # Serialise concurrent migrations (several services starting at once).
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('eventlog.migrate'))")
            cur.execute(ddl)
            cur.execute(sql.SQL(_GRANTS).format(role=role))
    finally:
        conn.close()


def reset(settings: Settings, service_schemas: tuple[str, ...] = ()) -> None:
    """Empties a test or benchmark database: the log refuses DELETE and TRUNCATE, so its schema
    is dropped by its owner (and each service's schema by the service role), then recreated."""
    if not parse_dsn(settings.database_url).get("dbname", "").endswith("_test"):
        raise RuntimeError("reset drops the event log: only for a *_test database")
    for url, schemas in (
        (settings.admin_database_url, ("eventlog",)),
        (settings.database_url, service_schemas),
    ):
        conn = psycopg2.connect(url)
        try:
            with conn, conn.cursor() as cur:
                for schema in schemas:
                    cur.execute(
                        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                    )
        finally:
            conn.close()
    migrate(settings)
