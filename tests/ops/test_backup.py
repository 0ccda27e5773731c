"""`taizhang backup` and `taizhang restore` against the real PostgreSQL, as an operator runs them:
a log restored into a new database verifies with the same chain, its read models rebuild to the
same answers, and what is appended after the restore comes after the restored events."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg2
import pytest
from psycopg2.extensions import make_dsn, parse_dsn

from eventlog import Database, NewEvent, PostgresEventStore, ProjectionRunner
from eventlog.backup import pass_transaction, restore
from eventlog.config import Settings
from eventlog.migrate import reset
from eventlog.relay import BrokerPublisher, Relay
from eventlog.seal import verify
from services.ledger.projection import PROJECTION, TABLES
from services.ledger.tests.integration.scenario import build
from tests.eventlog.test_relay import relay_all
from tests.support import wait_for

pytestmark = pytest.mark.servers


def _restore_database(url: str) -> str:
    dsn = parse_dsn(url)
    dsn["dbname"] = dsn["dbname"].removesuffix("_test") + "_restore_test"
    return make_dsn(**dsn)


@pytest.fixture
def target(settings) -> Settings:
    """The new database a backup is restored into (scripts/infra.sh makes it), emptied."""
    target = Settings(
        _restore_database(settings.database_url),
        _restore_database(settings.admin_database_url),
        settings.amqp_uri,
    )
    reset(target, ("ledger",))
    with psycopg2.connect(target.admin_database_url) as conn, conn.cursor() as cur:
        cur.execute("DROP SCHEMA eventlog CASCADE")  # `restore` makes it, as on a new database
    return target


def taizhang(settings: Settings, *args: str, status: int = 0) -> str:
    env = {
        **os.environ,
        "TAIZHANG_DATABASE_URL": settings.database_url,
        "TAIZHANG_ADMIN_DATABASE_URL": settings.admin_database_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "eventlog.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == status, done.stdout + done.stderr
    return done.stdout


def read_model(db: Database) -> dict[str, list[str]]:
    """Every row of the ledger's read model, as text, sorted: what any query could answer."""
    return {
        table: sorted(str(row) for row in db.fetch_all(f"SELECT * FROM {table}"))
        for table in TABLES
    }


def chain_head(db: Database) -> bytes:
    row = db.fetch_one(
        "SELECT chain_hash FROM eventlog.seals ORDER BY transaction_id DESC, position DESC LIMIT 1"
    )
    return bytes(row["chain_hash"])


def test_a_restored_log_verifies_rebuilds_the_same_answers_and_goes_on(
    settings, db, target, tmp_path
):
    build(PostgresEventStore(db, source="ledger"))
    relay = Relay(PostgresEventStore(db, "relay"), BrokerPublisher(settings.amqp_uri))
    assert relay.acquire()
    try:
        relay_all(relay)  # every event sealed, as a running system's relay leaves them
    finally:
        relay.release()
    store = PostgresEventStore(db, source="ledger")
    ProjectionRunner(db, store, PROJECTION).rebuild()
    before, source = read_model(db), verify(db)

    path = str(tmp_path / "log.backup")
    assert f"backed up {source.events} events" in taizhang(settings, "backup", path)
    # Earlier tests tamper with the test database's log on purpose (verify must catch them): a
    # faithful copy shows the very same problems, and `restore` exits 1 as `verify` does.
    restored = taizhang(target, "restore", path, status=0 if source.ok else 1)
    assert f"{source.events} events, {source.sealed} sealed" in restored
    assert [line for line in restored.splitlines() if line.startswith("problem:")] == [
        f"problem: {problem}" for problem in source.problems
    ]

    copy = Database(target.database_url, max_connections=2)
    try:
        assert chain_head(copy) == chain_head(db)
        copy_store = PostgresEventStore(copy, source="ledger")
        ProjectionRunner(copy, copy_store, PROJECTION).rebuild()
        assert read_model(copy) == before

        # The cluster's counter was moved past the restored transactions: a new event is read
        # after every restored one, by a reader tailing from the restored head (as soon as no
        # older transaction in the cluster is still running: the readers' rule).
        head = copy_store.head()
        new = copy_store.append("probe-1", [NewEvent("Probed", {})], 0)
        read = wait_for(lambda: list(copy_store.read_all(head)), 30, "the new event")
        assert [e.event_id for e in read] == [new[0].event_id]

        with pytest.raises(ValueError, match="not empty"):
            restore(target.admin_database_url, path)
    finally:
        copy.close()


def test_the_transaction_counter_is_moved_past_a_newer_id(target):
    conn = psycopg2.connect(target.admin_database_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()::text")
            newer = int(cur.fetchone()[0]) + 150_000
        pass_transaction(conn, newer, lambda _line: None)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()::text")
            assert int(cur.fetchone()[0]) > newer
    finally:
        conn.close()
