"""The event log in PostgreSQL.

Log order, and why a tailing reader never misses a late commit
---------------------------------------------------------------
`position` comes from a sequence when a row is inserted, but transactions commit in any order:
a reader that has read up to position 11 can later see position 10 commit, and would skip it for
ever (the late commit that Marten's and Axon's users meet). Locking the table makes insert order
equal commit order, but it serialises every writer and defeats PostgreSQL's group commit.

Instead each row records its transaction's 64-bit id, and the log order is
(transaction_id, position). A reader reads only rows whose transaction id is below the oldest
transaction still in progress, `pg_snapshot_xmin(pg_current_snapshot())`. Every transaction
below that bound has finished, so no row can ever appear before a place the reader has passed:
the reader waits for a slow writer instead of skipping it, and writers never wait for each other.
A transaction that stays open after writing anywhere in the database holds readers back (it
delays delivery, it never loses an event): keep write transactions short.

Stream order agrees with log order because every append is ONE statement that checks the
stream's version and writes: the statement's transaction id is taken after the version it saw
had committed, so a later version always has a larger transaction id.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg2
from psycopg2.extensions import cursor as Cursor

from eventlog import metrics
from eventlog.db import Database, Prepared, execute_prepared, one
from eventlog.model import (
    NO_METADATA,
    START,
    UPCASTERS,
    ConcurrencyConflict,
    DuplicateEventIdMismatch,
    Metadata,
    NewEvent,
    Position,
    StoredEvent,
    Upcasters,
)

Append = tuple[str, int | None, Sequence[NewEvent]]

_COLUMNS = (
    "event_id, stream_id, version, event_type, schema_version, data, source, "
    # Aliased: an output column named transaction_id would make ORDER BY sort it as text.
    "transaction_id::text AS transaction_text, position, occurred_at, recorded_at, "
    "branch_id, actor_id, correlation_id, causation_id"
)
_INSERT = """
INSERT INTO eventlog.events (event_id, stream_id, version, event_type, schema_version, source,
    data, branch_id, actor_id, correlation_id, causation_id, occurred_at)"""
# What the database assigns, per stream: the rest of a stored event is what the writer gave. All
# rows of one statement share its transaction and its now() (the defaults of transaction_id and
# recorded_at); a stream's versions run on from the first, and its positions are returned in
# version order: one row a stream rather than one an event (parsing a row's columns costs the
# client more than the server's aggregate).
_ASSIGNED = "min(version), pg_current_xact_id()::text, now(), array_agg(position ORDER BY version)"
_INSERTED = "RETURNING stream_id, version, position"
# Several streams in one statement, whatever the number of events, each column passed whole: ids
# and integers as array literals, text and data as JSON arrays, each encoded in one call. The server
# splits them side by side, and `data` keeps each event's JSON text as written. Prepared: planning
# it would cost about as much as running it.
_APPEND = Prepared(
    "eventlog_append",
    # $1-$8 the events' columns, $9 the guards, $10-$14 source and metadata
    (
        *("uuid[]", "json", "int[]", "int[]", "json", "smallint[]", "json", "json"),
        *("json", "text", "text", "text", "text", "text"),
    ),
    f"""WITH inserted AS ({_INSERT}
SELECT e.event_id, e.stream_id,
       coalesce(e.expected, (SELECT coalesce(max(s.version), 0) FROM eventlog.events AS s
                             WHERE s.stream_id = e.stream_id)) + e.n,
       e.type, e.schema_version, $10, e.data, $11, $12, $13, $14,
       coalesce(e.occurred_at::timestamptz, now())
FROM ROWS FROM (unnest($1), json_array_elements_text($2), unnest($3), unnest($4),
                json_array_elements_text($5), unnest($6), json_array_elements($7),
                json_array_elements_text($8))
     AS e(event_id, stream_id, expected, n, type, schema_version, data, occurred_at)
-- A stream expected at version n > 0 must have a version n: a gap is a conflict too.
WHERE NOT EXISTS (
    SELECT FROM json_to_recordset($9) AS g(stream_id text, version int)
    WHERE NOT EXISTS (SELECT FROM eventlog.events AS x
                      WHERE x.stream_id = g.stream_id AND x.version = g.version))
{_INSERTED})
SELECT stream_id, {_ASSIGNED} FROM inserted GROUP BY stream_id
""",
)
# Events of one stream, the commonest batch: the stream, the version it is expected at and its
# current version each given or read once, not once an event. An A/B on batches of 100 against
# _APPEND: 10-18% more events/s.
_APPEND_STREAM = Prepared(
    "eventlog_append_stream",
    # $1 the stream, $2 the version the writer expects (NULL: any), $3-$7 the events' columns,
    # $8-$12 source and metadata
    (
        *("text", "int", "uuid[]", "json", "smallint[]", "json", "json"),
        *("text", "text", "text", "text", "text"),
    ),
    f"""WITH inserted AS ({_INSERT}
SELECT e.event_id, $1, s.version + e.n, e.type, e.schema_version, $8, e.data, $9, $10, $11, $12,
       coalesce(e.occurred_at::timestamptz, now())
FROM (SELECT coalesce(max(x.version), 0) AS version FROM eventlog.events AS x
      WHERE x.stream_id = $1) AS s,
     ROWS FROM (unnest($3), json_array_elements_text($4), unnest($5), json_array_elements($6),
                json_array_elements_text($7)) WITH ORDINALITY
     AS e(event_id, type, schema_version, data, occurred_at, n)
WHERE s.version = coalesce($2, s.version)
{_INSERTED})
SELECT {_ASSIGNED} FROM inserted HAVING count(*) > 0
""",
)
# One event to one stream, the services' commonest write, has a statement of its own, about 10%
# faster than _APPEND_STREAM with one event: plain parameters, nothing to split or aggregate. It
# returns what _ASSIGNED does.
_APPEND_ONE = Prepared(
    "eventlog_append_one",
    # the columns in _INSERT's order, except $3: the version the writer expects (NULL: any)
    (
        *("uuid", "text", "int", "text", "smallint", "text", "json"),
        *("text", "text", "text", "text", "timestamptz"),
    ),
    f"""{_INSERT}
SELECT $1, $2, s.version + 1, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, now())
FROM (SELECT coalesce(max(x.version), 0) AS version FROM eventlog.events AS x
      WHERE x.stream_id = $2) AS s
WHERE s.version = coalesce($3, s.version)
RETURNING version, transaction_id::text, recorded_at, ARRAY[position]
""",
)
# Rows no late commit can precede (see the module docstring).
SAFE_TO_READ = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
# Each stream's prefix whose events had occurred by a moment: `later` turns true at the stream's
# first event that occurred after it, and stays true for every version after that one.
_AS_OF = (
    "(SELECT *, bool_or(occurred_at > %s) OVER (PARTITION BY stream_id ORDER BY version) AS later"
    " FROM eventlog.events WHERE stream_id = ANY(%s)) AS events WHERE NOT later"
)
# A stream's category (model.category_of). Not indexed: readers of some categories filter the log
# order, and move their place on to the head whatever they matched (projection.catch_up).
CATEGORY = "split_part(stream_id, '-', 1)"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"event data must be JSON: {type(value).__name__} is not")


def _ids(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of UUIDs in their canonical text, which needs no quoting."""
    return "{" + ",".join(values) + "}"


def _ints(values: Iterable[int | None]) -> str:
    return "{" + ",".join(["NULL" if v is None else str(int(v)) for v in values]) + "}"


def appends_with_events(appends: Sequence[Append]) -> list[Append]:
    """The appends of a batch that carry events. Each stream appears once: its events, and the
    version it is expected at, in one entry."""
    appends = [(s, e, list(evs)) for s, e, evs in appends if evs]
    if len({stream_id for stream_id, _, _ in appends}) < len(appends):
        raise ValueError("an append batch names a stream twice: give its events in one entry")
    return appends


def stored_events(
    source: str,
    stream_id: str,
    events: Sequence[NewEvent],
    meta: Metadata,
    first_version: int,
    transaction_id: int,
    recorded_at: datetime,
    positions: Iterable[int],
) -> list[StoredEvent]:
    """The events of one stream as an append stores them (by either store): numbered on from
    `first_version`, at `positions`, in one transaction at one moment."""
    return [
        StoredEvent.assemble(
            event_id=event.event_id,
            stream_id=stream_id,
            version=version,
            type=event.type,
            schema_version=event.schema_version,
            data=event.data,  # as given, whichever the store; readers get its JSON
            source=source,
            position=Position(transaction_id, position),
            # An event's occurred_at defaults to its transaction's moment, recorded_at.
            occurred_at=event.occurred_at or recorded_at,
            recorded_at=recorded_at,
            branch_id=meta.branch_id,
            actor_id=meta.actor_id,
            correlation_id=meta.correlation_id,
            causation_id=meta.causation_id,
        )
        for version, (event, position) in enumerate(
            zip(events, positions, strict=True), start=first_version
        )
    ]


def _metadata(meta: Metadata) -> tuple[str | None, ...]:
    return meta.branch_id, meta.actor_id, meta.correlation_id, meta.causation_id


def _streams_query(stream_ids: list[str], as_of: datetime | None) -> tuple[str, list[Any]]:
    """The events of these streams, or of each its prefix as of a moment; more conditions may
    follow with AND."""
    if as_of is None:
        return f"SELECT {_COLUMNS} FROM eventlog.events WHERE stream_id = ANY(%s)", [stream_ids]
    return f"SELECT {_COLUMNS} FROM {_AS_OF}", [as_of, stream_ids]


# One encoder for the process: json.dumps with options would build a new one per call.
encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_json_default).encode


class PostgresEventStore:
    """Appends to and reads from `eventlog.events`; `source` names the writing service."""

    def __init__(self, db: Database, source: str, upcasters: Upcasters = UPCASTERS):
        self.db, self.source, self._upcasters = db, source, upcasters

    # -- writing -------------------------------------------------------------------------------

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        metadata: Metadata = NO_METADATA,
    ) -> list[StoredEvent]:
        """`expected_version`: 0, the stream must not exist yet; n, it must be at n; None, at
        its end whatever the version. Anything else raises ConcurrencyConflict."""
        return self.append_batch([(stream_id, expected_version, events)], metadata=metadata)

    def append_batch(
        self, appends: Sequence[Append], *, metadata: Metadata = NO_METADATA
    ) -> list[StoredEvent]:
        """Appends to several streams atomically: all of it is stored, or none of it."""
        appends = appends_with_events(appends)
        if not appends:
            return []
        started = time.perf_counter()
        with self.db.statement() as cur:
            try:
                if len(appends) > 1:
                    stored = self._insert(cur, appends, metadata)
                elif len(appends[0][2]) > 1:
                    stored = self._insert_stream(cur, appends[0], metadata)
                else:
                    stored = self._insert_one(cur, appends[0], metadata)
            except psycopg2.errors.UniqueViolation:
                stored = []
            if not stored:  # refused, and nothing new was stored
                return self._refused(cur, appends)
        metrics.observe_append(self.source, stored, time.perf_counter() - started)
        return stored

    def _insert_one(self, cur: Cursor, append: Append, meta: Metadata) -> list[StoredEvent]:
        (stream_id, expected, events) = append
        event = events[0]
        params = [
            *(str(event.event_id), stream_id, expected, event.type, event.schema_version),
            *(self.source, encode(event.data), meta.branch_id, meta.actor_id),
            *(meta.correlation_id, meta.causation_id, event.occurred_at),
        ]
        execute_prepared(cur, _APPEND_ONE, params)
        row = cur.fetchone()
        return self._stored(stream_id, events, row, meta) if row else []

    def _insert_stream(self, cur: Cursor, append: Append, meta: Metadata) -> list[StoredEvent]:
        stream_id, expected, events = append
        params = [stream_id, expected, *self._columns(events), self.source, *_metadata(meta)]
        execute_prepared(cur, _APPEND_STREAM, params)
        row = cur.fetchone()
        return self._stored(stream_id, events, row, meta) if row else []

    def _insert(self, cur: Cursor, appends: list[Append], meta: Metadata) -> list[StoredEvent]:
        # The events' columns side by side, transposed in one go.
        streams, expected, numbers, events = zip(
            *(
                (stream_id, expected_version, n, event)
                for stream_id, expected_version, stream_events in appends
                for n, event in enumerate(stream_events, start=1)
            ),
            strict=True,
        )
        ids, *columns = self._columns(events)
        params = [
            *(ids, encode(streams), _ints(expected), _ints(numbers), *columns),
            encode([{"stream_id": s, "version": e} for s, e, _ in appends if e]),
            *(self.source, *_metadata(meta)),
        ]
        execute_prepared(cur, _APPEND, params)
        assigned = {row[0]: row[1:] for row in cur.fetchall()}
        if not assigned:  # a guard failed: some stream is behind the version its writer expected
            return []
        stored = [
            event
            for stream_id, _, stream_events in appends
            for event in self._stored(stream_id, stream_events, assigned[stream_id], meta)
        ]
        return sorted(stored, key=lambda e: e.position)

    @staticmethod
    def _columns(events: Sequence[NewEvent]) -> tuple[str, ...]:
        """Ids, types, schema versions, data and occurred_at of events, a value per column."""
        return (
            _ids([str(event.event_id) for event in events]),
            encode([event.type for event in events]),
            _ints([event.schema_version for event in events]),
            encode([event.data for event in events]),
            encode([event.occurred_at for event in events]),
        )

    def _stored(
        self, stream_id: str, events: Sequence[NewEvent], assigned: tuple, meta: Metadata
    ) -> list[StoredEvent]:
        """One stream's events as stored, from what the database assigned them (_ASSIGNED)."""
        first_version, transaction_text, recorded_at, positions = assigned
        return stored_events(
            self.source, stream_id, events, meta,
            first_version, int(transaction_text), recorded_at, positions,
        )  # fmt: skip

    def _refused(self, cur: Cursor, appends: list[Append]) -> list[StoredEvent]:
        """A retry of an append that already happened returns it; anything else is a conflict."""
        ids = [e.event_id for _, _, events in appends for e in events]
        cur.execute(f"SELECT {_COLUMNS} FROM eventlog.events WHERE event_id = ANY(%s)", (ids,))
        found = {e.event_id: e for e in map(self._event, cur.fetchall())}
        if len(found) == len(ids):
            return sorted(found.values(), key=lambda e: e.position)
        if found:
            raise DuplicateEventIdMismatch(f"{len(found)} of {len(ids)} event ids already stored")
        raise self._conflict(cur, [(s, e) for s, e, _ in appends])

    def _conflict(self, cur: Cursor, expectations: list[tuple[str, int | None]]) -> Exception:
        metrics.APPEND_CONFLICTS.labels(self.source).inc()
        for stream_id, expected in expectations:
            actual = self._version(cur, stream_id)
            if expected is not None and actual != expected:
                return ConcurrencyConflict(stream_id, expected, actual)
        stream_id, expected = expectations[0]
        return ConcurrencyConflict(stream_id, expected, self._version(cur, stream_id))

    # -- reading -------------------------------------------------------------------------------

    def stream_version(self, stream_id: str) -> int:
        with self.db.statement() as cur:
            return self._version(cur, stream_id)

    def read_stream(
        self,
        stream_id: str,
        from_version: int = 1,
        to_version: int | None = None,
        as_of: datetime | None = None,
    ) -> list[StoredEvent]:
        """A stream in version order; `as_of`: the prefix whose events occurred by then."""
        with self.db.statement() as cur:
            return self.read_stream_in(cur, stream_id, from_version, to_version, as_of)

    def read_stream_in(
        self,
        cur: Cursor,
        stream_id: str,
        from_version: int = 1,
        to_version: int | None = None,
        as_of: datetime | None = None,
    ) -> list[StoredEvent]:
        """`read_stream` on the caller's cursor, e.g. inside a projection's transaction."""
        sql, params = _streams_query([stream_id], as_of)
        sql += " AND version >= %s"
        params.append(from_version)
        if to_version is not None:
            sql += " AND version <= %s"
            params.append(to_version)
        cur.execute(sql + " ORDER BY version", params)
        return [self._event(row) for row in cur.fetchall()]

    def read_streams(
        self, stream_ids: Collection[str], as_of: datetime | None = None
    ) -> dict[str, list[StoredEvent]]:
        """Several streams by one query, each in version order (an unknown one is empty);
        `as_of` as for read_stream."""
        sql, params = _streams_query(list(stream_ids), as_of)
        found: dict[str, list[StoredEvent]] = {stream_id: [] for stream_id in stream_ids}
        with self.db.statement() as cur:
            cur.execute(sql + " ORDER BY stream_id, version", params)
            for row in cur.fetchall():
                event = self._event(row)
                found[event.stream_id].append(event)
        return found

    def backlog(
        self, after: Position, categories: Collection[str] | None = None, cap: int = 100_000
    ) -> int:
        """How many events a reader at `after` has still to read (of `categories`), counted up
        to `cap`: a count is a scan."""
        sql, params = self.read_all_query(after, categories, None, cap)
        with self.db.statement() as cur:
            cur.execute(f"SELECT count(*) FROM ({sql}) AS backlog", params)
            return one(cur)[0]

    def read_all(
        self,
        after: Position = START,
        *,
        categories: Collection[str] | None = None,
        types: Collection[str] | None = None,
        limit: int = 1000,
    ) -> list[StoredEvent]:
        """Events after `after` in log order, only those no late commit can precede."""
        sql, params = self.read_all_query(after, categories, types, limit)
        with self.db.statement() as cur:
            cur.execute(sql, params)
            return [self._event(row) for row in cur.fetchall()]

    @staticmethod
    def read_all_query(
        after: Position,
        categories: Collection[str] | None,
        types: Collection[str] | None,
        limit: int,
    ) -> tuple[str, list[Any]]:
        sql = (
            f"SELECT {_COLUMNS} FROM eventlog.events"
            f" WHERE (transaction_id, position) > (%s::text::xid8, %s) AND {SAFE_TO_READ}"
        )
        params: list[Any] = [str(after.transaction_id), after.position]
        if categories is not None:
            sql += f" AND {CATEGORY} = ANY(%s)"
            params.append(list(categories))
        if types is not None:
            sql += " AND event_type = ANY(%s)"
            params.append(list(types))
        return sql + " ORDER BY events.transaction_id, events.position LIMIT %s", [*params, limit]

    def iterate(
        self, after: Position = START, batch: int = 1000, **filters
    ) -> Iterable[StoredEvent]:
        """Every safely readable event after `after`, fetched in batches."""
        while events := self.read_all(after, limit=batch, **filters):
            yield from events
            after = events[-1].position

    def head(self) -> Position:
        """The last position a reader can safely have read up to now."""
        with self.db.statement() as cur:
            cur.execute(
                "SELECT transaction_id::text AS transaction_text, position FROM eventlog.events"
                f" WHERE {SAFE_TO_READ}"
                " ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1"
            )
            row = cur.fetchone()
        return Position(int(row[0]), row[1]) if row else START

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _version(cur: Cursor, stream_id: str) -> int:
        cur.execute(
            "SELECT coalesce(max(version), 0) FROM eventlog.events WHERE stream_id = %s",
            (stream_id,),
        )
        return one(cur)[0]

    def _event(self, row: tuple) -> StoredEvent:
        schema_version, data = self._upcasters.upcast(row[3], row[4], row[5])
        return StoredEvent.assemble(
            event_id=row[0],
            stream_id=row[1],
            version=row[2],
            type=row[3],
            schema_version=schema_version,
            data=data,
            source=row[6],
            position=Position(int(row[7]), row[8]),
            occurred_at=row[9],
            recorded_at=row[10],
            branch_id=row[11],
            actor_id=row[12],
            correlation_id=row[13],
            causation_id=row[14],
        )
