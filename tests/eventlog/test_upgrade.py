"""`taizhang migrate` brings a log of the first layout to the current one, in place, and the
seals' hashes of every event stay what they were.

The schema's SQL runs here against a schema of its own (every `eventlog.` renamed), so the log
the other tests share is left alone.
"""

import re
from importlib.resources import files

import psycopg2
import pytest

from eventlog.seal import EVENT_HASH_SQL

SCHEMA = "eventlog_upgrade"

# The first layout: position alone as primary key of events and seals, a log-order index, a
# category column with its index, and data as jsonb.
FIRST_LAYOUT = """
CREATE SCHEMA eventlog;
CREATE TABLE eventlog.events (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    category        text        NOT NULL GENERATED ALWAYS AS (split_part(stream_id, '-', 1)) STORED,
    event_type      text        NOT NULL,
    schema_version  smallint    NOT NULL DEFAULT 1,
    source          text        NOT NULL,
    data            jsonb       NOT NULL,
    branch_id       text,
    actor_id        text,
    correlation_id  text,
    causation_id    text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_log_order ON eventlog.events (transaction_id, position);
CREATE TABLE eventlog.seals (
    position bigint PRIMARY KEY, transaction_id xid8 NOT NULL,
    event_hash bytea NOT NULL, chain_hash bytea NOT NULL
);
CREATE INDEX events_category_order ON eventlog.events (category, transaction_id, position);
INSERT INTO eventlog.events (event_id, stream_id, version, event_type, source, data, occurred_at)
VALUES (gen_random_uuid(), 'item-1', 1, 'Planned', 'ledger',
        '{"title": "三会一课", "weight": 12.5, "tags": ["a", "b"]}', now()),
       (gen_random_uuid(), 'item-1', 2, 'Done', 'ledger', '{"at":"2026-11-01","by":null}', now()),
       (gen_random_uuid(), 'member-9', 1, 'Joined', 'ledger', '{}', now());
"""


def in_schema(sql: str) -> str:
    return re.sub(r"\beventlog\b(?=[.;])", SCHEMA, sql)


@pytest.fixture
def admin(settings):
    conn = psycopg2.connect(settings.admin_database_url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    yield cur
    cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    conn.close()


def hashes(cur) -> list[bytes]:
    cur.execute(f"SELECT {in_schema(EVENT_HASH_SQL)} FROM {SCHEMA}.events ORDER BY position")
    return [bytes(row[0]) for row in cur.fetchall()]


def primary_key(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary"
        " ORDER BY array_position(i.indkey::int2[], a.attnum)",
        (f"{SCHEMA}.{table}",),
    )
    return [row[0] for row in cur.fetchall()]


def layout(cur) -> dict:
    cur.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        (f"{SCHEMA}.events",),
    )
    columns = dict(cur.fetchall())
    cur.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'events'",
        (SCHEMA,),
    )
    indexes = {row[0] for row in cur.fetchall()}
    return {
        "columns": columns,
        "indexes": indexes,
        "key": primary_key(cur, "events"),
        "seals_key": primary_key(cur, "seals"),
    }


def test_the_first_layout_is_upgraded_in_place_and_its_hashes_do_not_change(admin):
    schema_sql = in_schema(files("eventlog").joinpath("schema.sql").read_text())
    admin.execute(in_schema(FIRST_LAYOUT))
    before = hashes(admin)

    admin.execute(schema_sql)
    upgraded = layout(admin)
    assert upgraded["columns"]["data"] == "json"
    assert "category" not in upgraded["columns"]
    assert upgraded["key"] == upgraded["seals_key"] == ["transaction_id", "position"]
    assert upgraded["indexes"] == {"events_pkey", "events_event_id_key", "events_stream_version"}
    assert hashes(admin) == before

    admin.execute(schema_sql)  # and again: nothing left to do
    assert layout(admin) == upgraded
    assert hashes(admin) == before


def test_a_new_log_has_the_current_layout(admin):
    admin.execute(in_schema(files("eventlog").joinpath("schema.sql").read_text()))
    created = layout(admin)
    assert created["key"] == created["seals_key"] == ["transaction_id", "position"]
    assert created["indexes"] == {"events_pkey", "events_event_id_key", "events_stream_version"}
    assert created["columns"]["data"] == "json" and "category" not in created["columns"]
