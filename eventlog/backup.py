"""Backup and restore of the log: every event, seal and relay checkpoint, exactly as stored.

The log is the system of record; read models are rebuilt from it after a restore, so they are not
in a backup. A backup is gzip'd JSON lines: a header, then one line per row, each column as
PostgreSQL's own text for it, so a restore stores the same bytes and `verify` finds the same
hashes and the same chain head.

A backup is one consistent prefix of the log: taken in a single snapshot, it holds only the events
of transactions that had ended before any still running (the readers' own rule, `SAFE_TO_READ`),
so no event can later commit before its end.

Transaction ids are part of each event's place in the log and of its hash, so a restore keeps
them. A new cluster counts its transactions from a few hundred: until its counter passes the
newest restored id, readers would take the restored events for ones still in progress, and new
events would sort before them. A restore therefore advances the counter past it first.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import psycopg2
import psycopg2.extras

from eventlog.store import SAFE_TO_READ

FORMAT = "taizhang-eventlog-backup"
VERSION = 1
BATCH = 2000
# Transaction ids a restore burns per transaction to catch up (one subtransaction each).
BURN_CHUNK = 1_000_000

# Table: (columns in insert order, the SELECT list giving each as text, key for keyset paging).
EVENT_COLUMNS = (
    "position, transaction_id, event_id, stream_id, version, event_type, schema_version, source,"
    " data, branch_id, actor_id, correlation_id, causation_id, occurred_at, recorded_at"
)
TABLES = {
    "events": (EVENT_COLUMNS, "transaction_id, position"),
    "seals": ("position, transaction_id, event_hash, chain_hash", "transaction_id, position"),
    "relay_checkpoints": ("name, transaction_id, position, chain_hash, updated_at", "name"),
}


@dataclass(frozen=True)
class Summary:
    events: int
    seals: int
    checkpoints: int
    newest_transaction: int

    def describe(self) -> str:
        return (
            f"{self.events} events, {self.seals} seals, {self.checkpoints} relay checkpoints"
            f" (newest transaction {self.newest_transaction})"
        )


def _connect(url: str) -> Any:
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")  # times as text keep their instant and microseconds
    conn.commit()
    return conn


def _rows(cur: Any, table: str) -> Iterator[dict[str, Any]]:
    """Every row of a log table, in order, each column as text (bytea as hex)."""
    columns, order = TABLES[table]
    where = f"WHERE {SAFE_TO_READ}" if table != "relay_checkpoints" else ""
    cur.execute(
        f"DECLARE rows NO SCROLL CURSOR FOR SELECT {columns} FROM eventlog.{table}"
        f" {where} ORDER BY {order}"
    )
    names = [name.strip() for name in columns.split(",")]
    while batch := _fetch(cur, names):
        yield from batch
    cur.execute("CLOSE rows")


def _fetch(cur: Any, names: list[str]) -> list[dict[str, Any]]:
    cur.execute(f"FETCH {BATCH} FROM rows")
    return [{name: _text(value) for name, value in zip(names, row, strict=True)} for row in cur]


def _text(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value).hex()
    return value if value is None or isinstance(value, int | str) else str(value)


def backup(url: str, out: IO[bytes]) -> Summary:
    """Writes the log's consistent prefix to `out` (a binary file)."""
    conn = _connect(url)
    counts = dict.fromkeys(TABLES, 0)
    newest = 0
    try:
        # One snapshot for every table: REPEATABLE READ takes it at the first statement.
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur, gzip.open(out, "wt", encoding="utf-8") as text:
            text.write(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
            for table in TABLES:
                for row in _rows(_textual(cur), table):
                    text.write(json.dumps({"table": table, "row": row}, ensure_ascii=False))
                    text.write("\n")
                    counts[table] += 1
                    if table == "events":
                        newest = max(newest, int(row["transaction_id"]))
        conn.rollback()
    finally:
        conn.close()
    return Summary(counts["events"], counts["seals"], counts["relay_checkpoints"], newest)


def _textual(cur: Any) -> Any:
    """The cursor, reading json, timestamps and xid8 as the text PostgreSQL wrote."""
    for oid in (114, 1184):  # json, timestamptz
        psycopg2.extensions.register_type(
            psycopg2.extensions.new_type((oid,), f"TEXT{oid}", lambda value, _cur: value), cur
        )
    return cur


def read_backup(source: IO[bytes]) -> Iterator[tuple[str, dict[str, Any]]]:
    with gzip.open(source, "rt", encoding="utf-8") as text:
        header = json.loads(text.readline() or "{}")
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise ValueError(f"not a {FORMAT} file of version {VERSION}: {header}")
        for line in text:
            record = json.loads(line)
            yield record["table"], record["row"]


_INSERTS = {
    "events": (
        "INSERT INTO eventlog.events ({columns}) OVERRIDING SYSTEM VALUE VALUES %s",
        "(%s, %s::xid8, %s::uuid, %s, %s, %s, %s, %s, %s::json, %s, %s, %s, %s,"
        " %s::timestamptz, %s::timestamptz)",
    ),
    "seals": (
        "INSERT INTO eventlog.seals ({columns}) VALUES %s",
        "(%s, %s::xid8, decode(%s, 'hex'), decode(%s, 'hex'))",
    ),
    "relay_checkpoints": (
        "INSERT INTO eventlog.relay_checkpoints ({columns}) VALUES %s",
        "(%s, %s::xid8, %s, decode(%s, 'hex'), %s::timestamptz)",
    ),
}


def restore(url: str, path: str, progress: Callable[[str], None] = lambda _line: None) -> Summary:
    """Loads the backup at `path` into an empty log (as its owner), all or nothing.

    The cluster's transaction counter is moved past the newest restored transaction id first, so
    the load itself (and every append after it) comes later in the log than what it restores; a
    restore stopped while doing so can simply be run again.
    """
    with open(path, "rb") as source:
        newest = max(
            (int(row["transaction_id"]) for table, row in read_backup(source) if table == "events"),
            default=0,
        )
    conn = _connect(url)
    counts = dict.fromkeys(TABLES, 0)
    try:
        _refuse_a_log_with_events(conn)
        pass_transaction(conn, newest, progress)
        with conn, conn.cursor() as cur, open(path, "rb") as source:
            pending: dict[str, list[tuple]] = {table: [] for table in TABLES}
            for table, row in read_backup(source):
                pending[table].append(tuple(row.values()))
                counts[table] += 1
                if len(pending[table]) >= BATCH:
                    _insert(cur, table, pending[table])
                    progress(f"{counts['events']} events loaded")
            for table, rows in pending.items():
                _insert(cur, table, rows)
            # Positions were given, not drawn: the next append must draw past them.
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('eventlog.events', 'position'),"
                " coalesce(max(position), 1), max(position) IS NOT NULL) FROM eventlog.events"
            )
    finally:
        conn.close()
    return Summary(counts["events"], counts["seals"], counts["relay_checkpoints"], newest)


def _refuse_a_log_with_events(conn: Any) -> None:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT FROM eventlog.events)")
        if cur.fetchone()[0]:
            raise ValueError("the log is not empty: restore only into a new database")


def _insert(cur: Any, table: str, rows: list[tuple]) -> None:
    if rows:
        statement, template = _INSERTS[table]
        columns = TABLES[table][0]
        psycopg2.extras.execute_values(
            cur, statement.format(columns=columns), rows, template=template, page_size=BATCH
        )
        rows.clear()


def pass_transaction(conn: Any, newest: int, progress: Callable[[str], None]) -> None:
    """Burns transaction ids (a subtransaction that writes takes one, about a million a second)
    until the cluster's next one is newer than `newest`."""
    while True:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()::text")
            gap = newest - int(cur.fetchone()[0])
            if gap < 0:
                return
            progress(f"advancing the transaction counter: {gap} ids to go")
            cur.execute(
                "CREATE TEMP TABLE burn (n int) ON COMMIT DROP;"
                " DO $$ BEGIN FOR i IN 0..%s LOOP"
                " BEGIN INSERT INTO burn VALUES (i); EXCEPTION WHEN OTHERS THEN NULL; END;"
                " END LOOP; END $$",
                (min(gap, BURN_CHUNK),),
            )
