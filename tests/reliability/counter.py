"""The read model the consumers under test keep: per stream, how many events were applied and
which versions, in order. Its handler sleeps INSIDE the transaction, so a kill lands while one
is open, and prints each attempt first, so a test can tell that a transaction died unfinished."""

from __future__ import annotations

import time

from psycopg2.extensions import cursor as Cursor

from eventlog import Database, Projection, StoredEvent

ATTEMPT = "applying"


def table(category: str) -> str:
    return f"reliability.{category}"


def counter(category: str, pause: float = 0.0) -> Projection:
    name = table(category)

    def count(cur: Cursor, event: StoredEvent) -> None:
        print(ATTEMPT, event.stream_id, event.version, flush=True)
        cur.execute(
            f"INSERT INTO {name} AS t (stream_id, applied, versions) VALUES (%s, 1, ARRAY[%s])"
            " ON CONFLICT (stream_id) DO UPDATE"
            " SET applied = t.applied + 1, versions = t.versions || %s",
            (event.stream_id, event.version, event.version),
        )
        time.sleep(pause)

    return Projection(
        name=f"counter-{category}",
        categories=(category,),
        schema_sql=(
            "CREATE SCHEMA IF NOT EXISTS reliability;"
            f" CREATE TABLE IF NOT EXISTS {name}"
            " (stream_id text PRIMARY KEY, applied int NOT NULL, versions int[] NOT NULL)"
        ),
        tables=(name,),
        handlers={"Counted": count},
    )


def counts(db: Database, category: str) -> dict[str, tuple[int, list[int]]]:
    """Per stream: (events applied, the versions applied in the order they were applied)."""
    rows = db.fetch_all(f"SELECT stream_id, applied, versions FROM {table(category)}")
    return {row["stream_id"]: (row["applied"], row["versions"]) for row in rows}


def applied(db: Database, category: str) -> int:
    row = db.fetch_one(f"SELECT coalesce(sum(applied), 0)::int AS n FROM {table(category)}")
    return row["n"] if row else 0
