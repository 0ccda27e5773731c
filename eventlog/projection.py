"""Read models fed from the log, each event taking effect exactly once and in stream order.

Two paths feed a read model, and both go through `_apply`:
- the bus (`handle`): low latency; RabbitMQ may duplicate, reorder or drop messages;
- the log (`catch_up`): on start and then every few seconds, from the subscription's place in
  the log. This is the guarantee: whatever the bus lost is applied from here.

Per stream, a tracking row holds the last version applied; it is updated in the same transaction
as the read-model change. A duplicate finds its version already applied and is skipped; an event
that arrives before its predecessor first applies the missing versions, read from the log. The
tracking row is locked for the transaction, so competing workers apply one stream one at a time.
A message is only a doorbell: the events applied are always read from the log, so a message
from elsewhere (a broker shared with another database) cannot invent history.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from psycopg2 import sql
from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import Json, execute_values

from eventlog import metrics
from eventlog.batching import BatchedCursor
from eventlog.db import Database, one
from eventlog.definitions import REQUIRED, Event, made
from eventlog.model import START, Position, StoredEvent, category_of, utcnow
from eventlog.store import CATEGORY, PostgresEventStore

log = logging.getLogger(__name__)

SETUP_LOCK_KEY = zlib.crc32(b"eventlog.projection.setup")

Handler = Callable[[Cursor, StoredEvent], None]
# A reaction also writes to the log (a process manager): it gets the runner's store, the
# service's own, and must be idempotent, as a rebuild replays it too.
Reaction = Callable[[Cursor, StoredEvent, PostgresEventStore], None]
Progress = Callable[[int, int], None]

_TRACK = (
    # Live appliers share the subscription's lock; a rebuild takes it alone (see `rebuild`).
    "SELECT pg_advisory_xact_lock_shared(%(lock)s);"
    " INSERT INTO eventlog.tracking AS t (subscription, stream_id, version)"
    " VALUES (%(name)s, %(stream)s, 0)"
    " ON CONFLICT (subscription, stream_id) DO UPDATE SET version = t.version"
    " RETURNING version"
)
_ADVANCE = "UPDATE eventlog.tracking SET version = %s WHERE subscription = %s AND stream_id = %s"


def owner_of(event: StoredEvent) -> str:
    """The id a stream belongs to: `branch-b1` → `b1`."""
    return event.stream_id.split("-", 1)[1]


# A named parameter of a statement: `%(name)s`.
_PARAMETER = re.compile(r"%\((\w+)\)s")
# The parameters a statement gets from the event's envelope rather than its payload.
ENVELOPE = ("owner", "at", "actor")


class Statement:
    """A handler running one SQL statement whose named parameters are fields of one event
    type's payload (its definition's), plus `owner` (see owner_of), `at` (when it occurred)
    and `actor` (who acted). The parameters are what it reads: `reads` names them, for the
    contract test. A field the stored payload lacks takes the definition's default; a list or
    a map is passed as JSON (for a json or jsonb column)."""

    def __init__(self, definition: type[Event], sql: str):
        self.definition, self.sql = definition, sql
        used = set(_PARAMETER.findall(sql))
        defaults = dict(definition.fields)
        if used & set(ENVELOPE) & set(defaults):
            raise ValueError(f"{definition.type}: a field is named as the envelope's {ENVELOPE}")
        self.reads = tuple(dict.fromkeys(n for n in _PARAMETER.findall(sql) if n not in ENVELOPE))
        # A name the definition lacks is read as required: the contract test names it first.
        self._fields = [(name, defaults.get(name, REQUIRED)) for name in self.reads]

    def __call__(self, cur: Cursor, event: StoredEvent) -> None:
        data = event.data
        params = {
            name: _adapted(data[name] if default is REQUIRED or name in data else made(default))
            for name, default in self._fields
        }
        params["owner"], params["at"] = owner_of(event), event.occurred_at
        params["actor"] = event.actor_id
        cur.execute(self.sql, params)


def _adapted(value: Any) -> Any:
    return Json(value) if isinstance(value, list | dict) else value


def statement(definition: type[Event], sql: str) -> Handler:
    return Statement(definition, sql)


T = TypeVar("T")


def by_type(table: Mapping[Any, T]) -> dict[str, T]:
    """A table keyed by event definitions (or type names), keyed by type name."""
    return {_type_name(key): value for key, value in table.items()}


def _type_name(key: Any) -> str:
    return key.type if isinstance(key, type) and issubclass(key, Event) else key


def retire(db: Database, name: str, tables: Iterable[str]) -> None:
    """Removes what a read model of an earlier release left: its tables (`schema.table`), its
    subscription and its tracking rows. Whatever is already gone is no error."""
    with db.transaction() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK_KEY,))  # as setup's DDL
        for table in tables:
            drop = sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(*table.split(".")))
            cur.execute(drop)
        cur.execute("DELETE FROM eventlog.tracking WHERE subscription = %s", (name,))
        cur.execute("DELETE FROM eventlog.subscriptions WHERE name = %s", (name,))


@dataclass(frozen=True)
class Projection:
    """A read model: which categories it reads, its tables, and a handler per event type.

    Handlers (and reactions) are keyed by event definition (or type name). Every type of its
    categories is either handled or named in `ignored`: a type a producer adds is then a
    decision for each reader, which the contract test asks for (eventlog/contract.py)."""

    name: str
    categories: tuple[str, ...]
    schema_sql: str
    tables: tuple[str, ...]
    handlers: Mapping[Any, Handler] = field(default_factory=dict)
    reactions: Mapping[Any, Reaction] = field(default_factory=dict)
    # Raised when a change needs events the read model has already passed (a new table fed by
    # old events, say): a model built at a lower version is rebuilt from the log at setup.
    version: int = 1
    # A rebuild may replay with handlers of its own (those without the upkeep of a summary
    # table, say) and then run `rebuilt` once over the tables refilled (to fill that table in
    # one statement instead of event by event), the tracking rows written (each stream's
    # version replayed).
    replay_handlers: Mapping[Any, Handler] = field(default_factory=dict)
    rebuilt: Callable[[Cursor], None] | None = None
    # The rows of a table a rebuild remakes, as a condition, where live appliers leave others
    # (counters gone to zero, say) that a rebuild has no reason to make; all rows elsewhere.
    remade: Mapping[str, str] = field(default_factory=dict)
    # The types of its categories it leaves alone, each by definition (or type name).
    ignored: Collection[Any] = ()

    def __post_init__(self) -> None:
        for name in ("handlers", "reactions", "replay_handlers"):
            object.__setattr__(self, name, by_type(getattr(self, name)))
        object.__setattr__(self, "ignored", frozenset(map(_type_name, self.ignored)))

    @property
    def lock_key(self) -> int:
        return zlib.crc32(f"eventlog.projection.{self.name}".encode())


class ProjectionRunner:
    def __init__(self, db: Database, store: PostgresEventStore, projection: Projection):
        self.db, self.store, self.projection = db, store, projection
        self.name = projection.name
        # Catch-ups of this runner in this process, one at a time (see catch_up): how many
        # started and the last that finished.
        self._turn = threading.Lock()
        self._started = self._finished = 0

    def setup(self) -> None:
        """Creates the read model if need be, and rebuilds it if it is new or was built at a
        lower version (two instances starting together may both rebuild: one after the other,
        harmlessly). A new read model over a log that is already long is built by the rebuild's
        batches in a minute or two, not event by event by the sweep for much longer, while
        requests would find it incomplete."""
        built = self._create()
        if built < self.projection.version:
            log.info("%s: built at version %d, now %d: rebuilding from the log", self.name,
                     built, self.projection.version)  # fmt: skip
            self.rebuild()

    def _create(self) -> int:
        """The read model's tables and subscription; returns the version it was built at (0:
        never, a new subscription; the rebuild then records the current one)."""
        with self.db.transaction() as cur:
            # One lock for every projection's DDL: two read models of one service may share a
            # schema, and concurrent CREATE ... IF NOT EXISTS can still collide.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK_KEY,))
            # Idempotent DDL still locks its tables (ALTER TABLE ... IF NOT EXISTS takes them
            # exclusively): were a live applier between two of them, each would wait for the
            # other. Taking the appliers' lock alone first lets those running finish and keeps
            # the next ones at their first statement, before any table.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (self.projection.lock_key,))
            cur.execute(self.projection.schema_sql)
            cur.execute(
                "INSERT INTO eventlog.subscriptions (name, version) VALUES (%s, 0)"
                " ON CONFLICT DO NOTHING",
                (self.name,),
            )
            cur.execute("SELECT version FROM eventlog.subscriptions WHERE name = %s", (self.name,))
            return one(cur)[0]

    # -- the bus path --------------------------------------------------------------------------

    def handle(self, body: Mapping[str, Any]) -> None:
        """Applies one event received from the bus (a relay message)."""
        self.apply([StoredEvent.from_message(body)])

    def apply(self, events: Iterable[StoredEvent]) -> int:
        """Applies events (e.g. those a command just appended, for read-your-writes)."""
        return sum(self._apply(event) for event in events if self._wants(event))

    def _wants(self, event: StoredEvent) -> bool:
        return event.category in self.projection.categories

    def _apply(self, event: StoredEvent, read_from_log: bool = False) -> int:
        """`read_from_log`: the event is as the log returned it (catch-up), not a message or an
        append's echo, so it need not be read again when it is the stream's next one."""
        with self.db.transaction() as cur:
            cur.execute(
                _TRACK,
                {"lock": self.projection.lock_key, "name": self.name, "stream": event.stream_id},
            )
            applied = one(cur)[0]
            if event.version <= applied:
                metrics.EVENTS_SKIPPED.labels(self.name).inc()
                return 0
            # The log, not the message, is the truth: what is applied is read from it, together
            # with any predecessors not applied yet (one indexed read).
            if read_from_log and event.version == applied + 1:
                pending = [event]
            else:
                pending = self.store.read_stream_in(
                    cur, event.stream_id, applied + 1, event.version
                )
                if not pending or pending[-1].event_id != event.event_id:
                    return self._foreign(event)
            for each in pending:
                self._run_handler(cur, each)
            cur.execute(_ADVANCE, (pending[-1].version, self.name, event.stream_id))
        metrics.EVENTS_APPLIED.labels(self.name).inc(len(pending))
        return len(pending)

    def _foreign(self, event: StoredEvent) -> int:
        """A message whose event this log does not hold (say, a broker shared with another
        database): applying it would invent history, so it is left alone."""
        log.warning(
            "%s: event %s (%s v%d) is not in this log; ignored",
            self.name,
            event.event_id,
            event.stream_id,
            event.version,
        )
        metrics.EVENTS_SKIPPED.labels(self.name).inc()
        return 0

    def _run_handler(self, cur: Cursor, event: StoredEvent, replaying: bool = False) -> None:
        handlers = self.projection.handlers
        if replaying and event.type in self.projection.replay_handlers:
            handlers = self.projection.replay_handlers
        handler = handlers.get(event.type)
        if handler is not None:
            handler(cur, event)
        reaction = self.projection.reactions.get(event.type)
        if reaction is not None:
            reaction(cur, event, self.store)

    # -- the log path --------------------------------------------------------------------------

    def catch_up(self, batch: int = 500) -> int:
        """Applies everything in the log after the subscription's place; returns how many.

        Stops at an event whose handler raises, without passing it: the next call retries it.

        Callers at once in one process (the sweep, requests of a service that catches up before
        it answers) take turns, and share the work: a call that comes while a catch-up runs
        waits for the next one, which starts after it came and so reads whatever the log held
        then, and returns once that one ends (0: another caller ran it). Reading the same
        events beside each other would be safe (the tracking rows let each event apply once),
        but each caller would read and skip all of them again, and hold a connection meanwhile.
        """
        wanted = self._started + 1  # the first catch-up to start from now on
        with self._turn:
            if self._finished >= wanted:
                return 0
            self._started += 1
            run = self._started
            applied = self._catch_up(batch)
            self._finished = run
            return applied

    def _catch_up(self, batch: int) -> int:
        after, applied = self._place(), 0
        # Every event up to this head is readable now, so once a read finds none of ours left,
        # the place moves on to it: the next sweep does not filter other categories' events again.
        head = self.store.head()
        while events := self.store.read_all(
            after, categories=self.projection.categories, limit=batch
        ):
            done = self._versions({e.stream_id for e in events})
            for event in events:
                if event.version > done.get(event.stream_id, 0):
                    try:
                        applied += self._apply(event, read_from_log=True)
                    except Exception:
                        metrics.APPLY_FAILURES.labels(self.name).inc()
                        log.exception(
                            "%s: applying %s failed; retried later", self.name, event.event_id
                        )
                        self._save_place(after)
                        return applied
                    done[event.stream_id] = event.version
                after = event.position
            self._save_place(after)
        if head > after:
            after = head
            self._save_place(after)
        self._measure_lag(after)
        return applied

    def catch_up_stream(self, stream_id: str) -> int:
        """Applies what the log holds of one stream beyond what was applied; returns how many.

        For a stream just written elsewhere (read-your-writes of another service's command):
        catch_up reads only events that no late commit can precede, so an event committed a
        moment ago stays out of its reach while any older transaction is still open; a
        stream's own events are readable at once. One transaction, as `_apply`'s; a stream the
        log does not hold changes nothing (and leaves no tracking row).
        """
        if category_of(stream_id) not in self.projection.categories:
            return 0
        with self.db.transaction() as cur:
            cur.execute(_TRACK, {"lock": self.projection.lock_key, "name": self.name,
                                 "stream": stream_id})  # fmt: skip
            pending = self.store.read_stream_in(cur, stream_id, one(cur)[0] + 1)
            if not pending:
                cur.connection.rollback()  # the tracking row too, if it was new
                return 0
            for event in pending:
                self._run_handler(cur, event)
            cur.execute(_ADVANCE, (pending[-1].version, self.name, stream_id))
        metrics.EVENTS_APPLIED.labels(self.name).inc(len(pending))
        return len(pending)

    def _place(self) -> Position:
        row = self.db.fetch_one(
            "SELECT transaction_id::text AS tx, position FROM eventlog.subscriptions"
            " WHERE name = %s",
            (self.name,),
        )
        return Position(int(row["tx"]), row["position"]) if row else START

    def _save_place(self, place: Position) -> None:
        self.db.execute(
            "UPDATE eventlog.subscriptions SET transaction_id = %s::text::xid8, position = %s,"
            " updated_at = now() WHERE name = %s"
            " AND (transaction_id, position) < (%s::text::xid8, %s)",
            (
                str(place.transaction_id),
                place.position,
                self.name,
                str(place.transaction_id),
                place.position,
            ),
        )

    def _versions(self, streams: set[str]) -> dict[str, int]:
        rows = self.db.fetch_all(
            "SELECT stream_id, version FROM eventlog.tracking"
            " WHERE subscription = %s AND stream_id = ANY(%s)",
            (self.name, list(streams)),
        )
        return {row["stream_id"]: row["version"] for row in rows}

    def _measure_lag(self, place: Position) -> None:
        behind = self.store.read_all(place, categories=self.projection.categories, limit=1)
        metrics.CONSUMER_LAG_SECONDS.labels(self.name).set(
            (utcnow() - behind[0].recorded_at).total_seconds() if behind else 0
        )
        metrics.CONSUMER_LAG_EVENTS.labels(self.name).set(self.lag(place))

    def lag(self, place: Position | None = None) -> int:
        """Events of the subscription's categories after its place (counted up to 100,000)."""
        return self.store.backlog(place or self._place(), self.projection.categories)

    # -- rebuild -------------------------------------------------------------------------------

    def rebuild(self, progress: Progress | None = None, batch: int = 2000) -> int:
        """Empties the read model and replays the whole log into it, in one transaction.

        The exclusive lock makes live appliers wait until the rebuilt model commits, so they never
        write into a half-built one; readers see the old model until then. The handlers' writes
        go a batch at a time (batching.py).
        """
        self._create()
        categories = self.projection.categories
        total = self._count(categories) if progress else 0  # a count is a scan of the log
        with self.db.transaction() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (self.projection.lock_key,))
            if self.projection.tables:  # a projection of reactions alone has none
                cur.execute("TRUNCATE " + ", ".join(self.projection.tables))
            cur.execute("DELETE FROM eventlog.tracking WHERE subscription = %s", (self.name,))
            versions: dict[str, int] = {}
            after, done = START, 0
            batched = BatchedCursor(cur)
            for event in self.store.iterate(START, batch, categories=categories):
                self._replay(cast(Cursor, batched), event, versions)
                after, done = event.position, done + 1
                if progress and (done % batch == 0 or done == total):
                    progress(done, max(total, done))
            batched.flush()
            self._write_tracking(cur, versions)
            if self.projection.rebuilt is not None:  # it may read the versions replayed
                self.projection.rebuilt(cur)
            cur.execute(
                "UPDATE eventlog.subscriptions SET transaction_id = %s::text::xid8, position = %s,"
                " version = %s, updated_at = now() WHERE name = %s",
                (str(after.transaction_id), after.position, self.projection.version, self.name),
            )
        self._analyse()
        metrics.EVENTS_APPLIED.labels(self.name).inc(done)
        return done

    def _analyse(self) -> None:
        """Statistics for the tables just refilled: until autovacuum gets to them the planner
        takes them for empty, and picks plans that scan a whole table per row (a query of ~20
        ms took a second)."""
        with self.db.transaction() as cur:
            for table in self.projection.tables:
                cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(*table.split("."))))

    def _replay(self, cur: Cursor, event: StoredEvent, versions: dict[str, int]) -> None:
        seen = versions.get(event.stream_id, 0)
        if event.version <= seen:
            return
        pending = [event]
        if event.version > seen + 1:
            pending = self.store.read_stream_in(cur, event.stream_id, seen + 1, event.version)
        for each in pending:
            self._run_handler(cur, each, replaying=True)
        versions[event.stream_id] = event.version

    def _write_tracking(self, cur: Cursor, versions: dict[str, int]) -> None:
        execute_values(
            cur,
            "INSERT INTO eventlog.tracking (subscription, stream_id, version) VALUES %s",
            [(self.name, stream, version) for stream, version in versions.items()],
            page_size=1000,
        )

    def _count(self, categories: tuple[str, ...]) -> int:
        row = self.db.fetch_one(
            f"SELECT count(*) AS n FROM eventlog.events WHERE {CATEGORY} = ANY(%s)",
            (list(categories),),
        )
        return row["n"] if row else 0
