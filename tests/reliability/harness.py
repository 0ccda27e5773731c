"""Child processes, bounded waits and probes of the relay's and consumers' state.

Children are told apart in PostgreSQL by their `application_name`, so a test can see which one
holds the relay lock or has a transaction open, and kill exactly that one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu

from eventlog import Database, NewEvent, Position, PostgresEventStore, Settings
from eventlog.relay import LOCK_KEY
from eventlog.store import CATEGORY
from tests.support import wait_for

ROOT = Path(__file__).resolve().parents[2]


class Children:
    """The OS processes of one test, each logging to a file; whatever is left is killed."""

    def __init__(self, settings: Settings, logs: Path):
        self.settings, self.logs = settings, logs
        self.running: dict[str, subprocess.Popen] = {}
        self._started = 0

    def start(self, name: str, *argv: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """Starts `python argv...`; its database sessions carry `name` as application_name."""
        self._started += 1
        url = self.settings.database_url
        env = {
            **os.environ,
            "TAIZHANG_DATABASE_URL": f"{url}{'&' if '?' in url else '?'}application_name={name}",
            "TAIZHANG_ADMIN_DATABASE_URL": self.settings.admin_database_url,
            "TAIZHANG_AMQP_URI": self.settings.amqp_uri,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),  # a test's own servers, say
        }
        log = (self.logs / f"{self._started:02d}-{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.running[name] = process
        return process

    def relay(self, name: str) -> subprocess.Popen:
        return self.start(name, "-m", "eventlog.cli", "relay", "--batch", "200")

    def consumer(self, name: str, category: str, queue: str) -> subprocess.Popen:
        return self.start(name, "-m", "tests.reliability.consumer", category, queue)

    def kill(self, name: str) -> None:
        """SIGKILL: no handler runs, no transaction commits, no message is acked."""
        process = self.running.pop(name)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def assert_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.running.items() if p.poll() is not None}
        assert not dead, f"children exited on their own: {dead}\n{self.tails()}"

    def tails(self, lines: int = 15) -> str:
        return "\n".join(
            f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-lines:])
            for path in sorted(self.logs.glob("*.log"))
        )

    def close(self) -> None:
        for name in list(self.running):
            if self.running[name].poll() is None:
                self.kill(name)
            else:
                self.running.pop(name)


# -- the log -----------------------------------------------------------------------------------


def append_rounds(
    store: PostgresEventStore, streams: list[str], rounds: int, per_append: int
) -> list[list]:
    """Appends `per_append` events to every stream, `rounds` times, interleaving the streams."""
    return [
        store.append(stream, [NewEvent("Counted", {"round": r}) for _ in range(per_append)], None)
        for r in range(rounds)
        for stream in streams
    ]


def append_at_once(store: PostgresEventStore, streams: list[str], per_stream: int) -> list:
    """Appends `per_stream` events to every stream in one transaction: they appear at once."""
    appends = [
        (stream, None, [NewEvent("Counted", {"n": n}) for n in range(per_stream)])
        for stream in streams
    ]
    return store.append_batch(appends)


def last_position(db: Database, category: str, first: bool = False) -> Position:
    """The last (or first) position of `category` in log order."""
    order = "" if first else " DESC"
    row = db.fetch_one(
        f"SELECT transaction_id::text AS tx, position FROM eventlog.events WHERE {CATEGORY} = %s"
        f" ORDER BY transaction_id{order}, position{order} LIMIT 1",
        (category,),
    )
    assert row is not None, f"no event of category {category}"
    return Position(int(row["tx"]), row["position"])


# -- the relay ---------------------------------------------------------------------------------


def relay_checkpoint(db: Database) -> Position:
    row = db.fetch_one(
        "SELECT transaction_id::text AS tx, position FROM eventlog.relay_checkpoints"
        " WHERE name = 'main'"
    )
    return Position(int(row["tx"]), row["position"]) if row else Position()


def wait_relayed(db: Database, end: Position, who: str, timeout: float = 45) -> None:
    """Waits until the relay's checkpoint has passed `end` (every event up to it published)."""
    wait_for(lambda: relay_checkpoint(db) >= end, timeout, f"{who} to relay up to {end}")


@contextmanager
def checkpoints_held(db: Database) -> Iterator[None]:
    """Blocks every relay's checkpoint UPDATE (a SHARE lock on the table; readers pass) while
    the block runs: a relay that publishes a batch then waits, published but not checkpointed."""
    conn = db.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("LOCK TABLE eventlog.relay_checkpoints IN SHARE MODE")
            yield
    finally:
        conn.rollback()
        conn.close()


def waits_for_a_lock(db: Database, name: str) -> bool:
    return bool(
        db.fetch_one(
            "SELECT 1 AS waiting FROM pg_stat_activity"
            " WHERE application_name = %s AND wait_event_type = 'Lock'",
            (name,),
        )
    )


def relay_lock_holder(db: Database) -> str | None:
    """The application_name of the session holding the relay's advisory lock."""
    row = db.fetch_one(
        "SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s AND l.objsubid = 1"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (LOCK_KEY,),
    )
    return row["name"] if row else None


# -- consumers ---------------------------------------------------------------------------------


def in_transaction(db: Database, name: str, last_statement: str = "") -> bool:
    """True while a session of child `name` has a transaction open after running a statement
    that starts with `last_statement` (e.g. a handler's write, then its sleep)."""
    return bool(
        db.fetch_one(
            "SELECT 1 AS open FROM pg_stat_activity WHERE application_name = %s"
            " AND state = 'idle in transaction' AND starts_with(query, %s)",
            (name, last_statement),
        )
    )


def terminate(db: Database, names: Iterable[str]) -> int:
    """Drops the database sessions of the named children, as a failover or a DBA would."""
    rows = db.fetch_all(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity"
        " WHERE application_name = ANY(%s)",
        (list(names),),
    )
    return sum(row["done"] for row in rows)


# -- the bus -----------------------------------------------------------------------------------


def bind_queue(amqp_uri: str, source: str, name: str) -> kombu.Queue:
    """A durable queue that receives every event the relay publishes for `source`."""
    exchange = kombu.Exchange(f"{source}.events", type="topic", durable=True)
    queue = kombu.Queue(name, exchange, routing_key="#", durable=True, auto_delete=False)
    with kombu.Connection(amqp_uri) as conn:
        queue(conn.default_channel).declare()
    return queue


def delete_queue(amqp_uri: str, source: str, name: str) -> None:
    """Deletes a test's queue and its source's exchange (both durable: they would stay)."""
    with kombu.Connection(amqp_uri) as conn:
        conn.default_channel.queue_delete(name)
        conn.default_channel.exchange_delete(f"{source}.events")


def collect(amqp_uri: str, queue: kombu.Queue, wanted: set[str], timeout: float) -> list[dict]:
    """Every message in `queue`, in arrival order, until each wanted event id has arrived;
    fails once `timeout` seconds pass with none of them arriving (a relay that stopped, not one
    slowed by a loaded machine)."""
    bodies: list[dict] = []
    missing = set(wanted)

    def on_message(body: dict, message: kombu.Message) -> None:
        nonlocal deadline
        bodies.append(body)
        if body["event_id"] in missing:
            missing.discard(body["event_id"])
            deadline = time.monotonic() + timeout

    deadline = time.monotonic() + timeout
    with (
        kombu.Connection(amqp_uri) as conn,
        conn.Consumer(queue, callbacks=[on_message], no_ack=True, accept=["json"]),
    ):
        while missing:
            assert time.monotonic() < deadline, f"{len(missing)} stored events never published"
            try:
                conn.drain_events(timeout=0.5)
            except TimeoutError:
                continue
    return bodies
