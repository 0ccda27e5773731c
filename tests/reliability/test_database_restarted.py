"""PostgreSQL stopped (a fast shutdown, as an operator's restart) and started again while clients
plan items through the gateway with Idempotency-Keys, retrying until answered. The cluster is
the test's own (servers.py), and so is the broker: neither shared server is touched.

The services (their pools, the relay, the read models' sweeps) reconnect by themselves; each key
is applied once; while the database is away the gateway answers 503 with the error body (its
own reads and writes of the log fail, and so do the ledger's), never 500.
"""

import time
from contextlib import ExitStack

import pytest

from eventlog import Database, PostgresEventStore
from tests.support import wait_for

from .clients import Clients, items_to_plan
from .harness import relay_checkpoint
from .scale import scaled
from .servers import DisposablePostgres, DisposableRabbit
from .stack import Stack, assert_each_key_planned_once

COMMANDS = scaled(120, 600)
OUTAGE_SECONDS = scaled(5, 20)


@pytest.fixture
def servers(tmp_path):
    with ExitStack() as cleanup:  # whatever was started is stopped, even if the next step fails
        rabbit = DisposableRabbit(tmp_path / "rabbit")
        cleanup.callback(rabbit.close)
        rabbit.start()
        postgres = DisposablePostgres(rabbit.amqp_uri)
        cleanup.callback(postgres.close)
        postgres.create()
        db = Database(postgres.settings.database_url, max_connections=4)
        cleanup.callback(db.close)
        yield postgres, db


def test_every_service_recovers_by_itself_from_a_database_restart(children, servers):
    postgres, db = servers
    settings = postgres.settings
    stack = Stack(children, settings.amqp_uri, settings.database_url)
    stack.start("ledger")
    stack.start("gateway")
    stack.await_ledger()
    token, branch = stack.seed(), stack.branch
    commands = items_to_plan(branch.branch_id, branch.run, COMMANDS)
    clients = Clients(stack.url, token, commands)
    wait_for(lambda: clients.settled >= COMMANDS // 4, 120, "answers", pause=0.01)
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)  # the outage; the clients keep sending meanwhile
    postgres.start()

    clients.wait()
    assert_each_key_planned_once(db, branch.branch_id, commands, clients)
    children.assert_alive()
    clients.assert_only_outages()
    head = PostgresEventStore(db, source="test").head()
    wait_for(lambda: relay_checkpoint(db) >= head, 60, "the relay to publish the backlog")
