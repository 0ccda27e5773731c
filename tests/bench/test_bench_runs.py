"""`make bench` is not part of `make test` (it takes minutes), so its moving parts run here
briefly against the real servers: what the bench measures keeps working as the log changes.
The `eventsourcing` comparison is a bench-only dependency and is left out."""

import subprocess
import sys

from bench import relaybench

# Writer processes are spawned, which eventlet's monkey-patching (conftest.py) would deadlock:
# the harness runs in an interpreter of its own, as `make bench` runs it.
HARNESS = """
import sys
from bench import harness, report
import psycopg2
from bench.baselines import RAW_TABLE_DDL, raw_insert
from bench.workloads import log_append

harness.WARMUP_SECONDS, harness.WINDOW_SECONDS, harness.REPETITIONS = 0.1, 0.2, 2
url = sys.argv[1]
with psycopg2.connect(url) as conn, conn.cursor() as cur:
    cur.execute("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench; " + RAW_TABLE_DDL)
try:
    results = harness.measure([log_append(url, 100, writers=2), raw_insert(url, 10, 1)])
finally:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("DROP SCHEMA bench CASCADE")
assert [len(r.rates) for r in results] == [2, 2], results
assert all(rate > 0 for r in results for rate in r.rates), results
report.absolute(results)
report.ratios([report.Ratio("log_vs_raw", results[0].key, results[1].key, 0.1)],
              {r.key: r for r in results})
"""


def test_writer_processes_measure_the_log_api_and_raw_inserts(settings):
    ran = subprocess.run(
        [sys.executable, "-c", HARNESS, settings.database_url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "bench: log_vs_raw = " in ran.stdout


def test_the_relay_rounds_publish_what_was_appended(settings, monkeypatch):
    monkeypatch.setattr(relaybench, "EVENTS_PER_ROUND", 300)
    with relaybench.holding_lock(settings, batch=5000) as relay:  # other tests' events, quickly
        relaybench.drain(relay)
    with (
        relaybench.bound_queue(settings) as queue,
        relaybench.relay_rounds(settings, queue, batch=100) as rounds,
    ):
        rates = [rounds.round() for _ in range(2)]
        checkpoint = rounds.relay.store.db.fetch_one(
            "SELECT transaction_id::text AS tx, position FROM eventlog.relay_checkpoints"
            " WHERE name = 'main'"
        )
        head = rounds.relay.store.head()
    assert all(rate > 0 for rate in rates)
    assert (int(checkpoint["tx"]), checkpoint["position"]) == (head.transaction_id, head.position)
    assert '"type":"bench.LedgerItemAssigned"' in rounds.body.replace(" ", "")
