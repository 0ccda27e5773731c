"""The views at scale, and the rebuild that feeds them.

Two logs, built as `python -m services.ledger.demo_scale` grows the demo (a branch of 40
members and a year, ~10,000 events, copied under new ids): the small one, in the database beside
the bench's (`*_restore_test`), holds one branch; the large one, in the bench's database, holds
an institution of 100 such branches and one of 3, ~1,000,000 events. The same branch is in both.

What is timed is the gateway's own view functions over the ledger's query methods, called in
this process (no HTTP, no broker: their cost does not grow with the log): the branch dashboard's
ledger part (its summary and overdue list) and the institution overview. Small and large are
timed in turn, window by window, as harness.py does for writers.

A branch's summary is kept until the branch or the day changes (ledger/queries/summaries.py):
the views are timed as they are mostly read, with the summaries kept, and "afresh", each call
summing every branch it shows again (as the first view of a day, or of a branch just changed).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extras

from bench.harness import REPETITIONS, Result
from eventlog import Database, PostgresEventStore, ProjectionRunner, Settings
from eventlog.migrate import reset
from services.gateway.dispatch import Context
from services.gateway.views import dashboards
from services.ledger.demo_scale import Template, branch_ids, grow
from services.ledger.demo_world import INSTITUTION
from services.ledger.projection import PROJECTION
from services.ledger.service import LedgerService

BRANCHES, SMALL_INSTITUTION = 100, "trio"
ACTOR = "jw01"  # on the institution committee: may read every branch
CALLS = 5  # view calls per window


def small_settings(settings: Settings) -> Settings:
    """The same server's `<name>_restore_test` database (scripts/infra.sh makes it)."""

    def other(url: str) -> str:
        parts = urlsplit(url)
        name = parts.path.lstrip("/").removesuffix("_test") + "_restore_test"
        return urlunsplit(parts._replace(path=f"/{name}"))

    return replace(
        settings,
        database_url=other(settings.database_url),
        admin_database_url=other(settings.admin_database_url),
    )


class InProcessLedger:
    """The ledger service's RPC methods, called in this process over one database."""

    def __init__(self, db: Database):
        self.read_model = SimpleNamespace(db=db)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(LedgerService, name)
        return lambda **kwargs: method(self, **kwargs)


def _build(settings: Settings, template: Template, institutions: dict[str, list[str]]) -> tuple:
    """Empties the database, appends the branches, rebuilds the ledger's read model; returns
    (events, rebuild seconds)."""
    reset(settings, ("ledger",))
    db = Database(settings.database_url)
    store = PostgresEventStore(db, source="ledger")
    events = sum(grow(store, template, ids, inst) for inst, ids in institutions.items())
    runner = ProjectionRunner(db, store, PROJECTION)
    runner.setup()
    started = time.perf_counter()
    runner.rebuild()
    return db, events, time.perf_counter() - started


class Views:
    """Both logs, built once; then the views timed on each."""

    def __init__(self, settings: Settings):
        self.settings, self.template = settings, Template()
        self.small_settings = small_settings(settings)
        self.branch = branch_ids(1, 1, "k")[0]
        self.small, self.small_events, _ = _build(
            self.small_settings, self.template, {INSTITUTION: [self.branch]}
        )
        self.large, self.large_events, self.large_rebuild = _build(
            settings,
            self.template,
            {
                INSTITUTION: branch_ids(1, BRANCHES, "k"),
                SMALL_INSTITUTION: branch_ids(1, 3, "t"),
            },
        )
        self.year = self.template.year

    def close(self) -> None:
        self.small.close()
        self.large.close()
        reset(self.small_settings, ("ledger",))
        reset(self.settings, ("ledger",))

    def _ctx(self, db: Database) -> Context:
        return Context(SimpleNamespace(ledger=InProcessLedger(db)))

    def dashboard(self, db: Database, afresh: bool = False) -> Callable[[], Any]:
        ctx = self._ctx(db)

        def call() -> Any:
            if afresh:
                _forget_summaries(db)
            summary = dashboards.summary(ctx, ACTOR, self.branch, self.year)
            return summary, dashboards.overdue_list(ctx, ACTOR, self.branch)

        return call

    def overview(self, institution: str, afresh: bool = False) -> Callable[[], Any]:
        ctx = self._ctx(self.large)

        def call() -> Any:
            if afresh:
                _forget_summaries(self.large)
            return dashboards.overview(ctx, ACTOR, institution, self.year)

        return call


def _forget_summaries(db: Database) -> None:
    db.execute("DELETE FROM ledger.branch_summaries")
    db.execute("DELETE FROM ledger.institution_overviews")


def latencies(calls: dict[str, tuple[str, Callable[[], Any]]]) -> list[Result]:
    """Median latency (ms) of CALLS calls per window, the callables in turn, window by window."""
    for _, call in calls.values():
        call()  # warm-up: plans cached, buffers read
    rates: dict[str, list[float]] = {key: [] for key in calls}
    for _ in range(REPETITIONS):
        for key, (_, call) in calls.items():
            times = []
            for _ in range(CALLS):
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            rates[key].append(statistics.median(times))
    return [Result(key, label, rates[key]) for key, (label, _) in calls.items()]


def raw_copy(db: Database) -> float:
    """The floor of a rebuild: read every event of the log and insert the same rows, many
    rows a statement, into a table like the log's, in one transaction (rolled back); events/s."""
    started = time.perf_counter()
    conn = psycopg2.connect(db.url)
    with closing(conn), conn.cursor() as read, conn.cursor() as write:
        write.execute("CREATE TEMP TABLE raw_copy (LIKE eventlog.events INCLUDING ALL)")
        read.execute("SELECT * FROM eventlog.events ORDER BY transaction_id, position")
        copied = 0
        while rows := read.fetchmany(2000):
            psycopg2.extras.execute_values(
                write,
                "INSERT INTO raw_copy OVERRIDING SYSTEM VALUE VALUES %s",
                [_row(r) for r in rows],
                page_size=500,
            )
            copied += len(rows)
        conn.rollback()
    return copied / (time.perf_counter() - started)


def _row(row: tuple) -> tuple:
    return tuple(psycopg2.extras.Json(v) if isinstance(v, dict) else v for v in row)


def rebuilds(views: Views) -> list[Result]:
    """The ledger's rebuild of the small log and its floor, in turn; events/s."""
    runner = ProjectionRunner(
        views.small, PostgresEventStore(views.small, source="ledger"), PROJECTION
    )
    rebuilt, raw = [], []
    for _ in range(3):
        started = time.perf_counter()
        count = runner.rebuild()
        rebuilt.append(count / (time.perf_counter() - started))
        raw.append(raw_copy(views.small))
    return [
        Result("rebuild", f"ledger read model rebuild ({views.small_events:,} events)", rebuilt),
        Result("rebuild_raw", "raw: read the log, multi-row INSERT of the same rows", raw),
    ]


def measure(settings: Settings) -> tuple[list[Result], list[Result], str]:
    """(latencies in ms, rebuild rates in events/s, a line about the logs built)."""
    views = Views(settings)
    try:
        timed = latencies(
            {
                "dashboard_10k": (
                    f"branch dashboard, log of {views.small_events:,} events",
                    views.dashboard(views.small),
                ),
                "dashboard_1m": (
                    f"branch dashboard, log of {views.large_events:,} events",
                    views.dashboard(views.large),
                ),
                "overview_3": ("institution overview, 3 branches", views.overview("trio")),
                "overview_100": (
                    f"institution overview, {BRANCHES} branches",
                    views.overview(INSTITUTION),
                ),
                "dashboard_10k_afresh": (
                    f"branch dashboard afresh, log of {views.small_events:,} events",
                    views.dashboard(views.small, afresh=True),
                ),
                "dashboard_1m_afresh": (
                    f"branch dashboard afresh, log of {views.large_events:,} events",
                    views.dashboard(views.large, afresh=True),
                ),
                "overview_3_afresh": (
                    "institution overview afresh, 3 branches",
                    views.overview("trio", afresh=True),
                ),
                "overview_100_afresh": (
                    f"institution overview afresh, {BRANCHES} branches",
                    views.overview(INSTITUTION, afresh=True),
                ),
            }
        )
        rates = rebuilds(views)
        built = (
            f"(logs: {views.small_events:,} and {views.large_events:,} events; the large one's"
            f" rebuild took {views.large_rebuild:.0f} s,"
            f" {views.large_events / views.large_rebuild:,.0f} events/s)"
        )
        return timed, rates, built
    finally:
        views.close()
