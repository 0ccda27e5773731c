"""RabbitMQ shut down (`rabbitmqctl shutdown`), left down, and started again, while clients plan
items through the gateway with Idempotency-Keys, retrying until answered; requests are inside the
ledger when the broker goes, so their answers cannot be sent. The node is the test's own
(servers.py): the shared broker is never restarted.

Every service reconnects by itself, with no restart by hand: their RPC and event consumers, the
relays, the RPC clients (the gateway is ready again); the backlog drains; each key is applied
once; while the broker is away the gateway answers 503 with the error body, never 500.
"""

import time
from contextlib import contextmanager

import psycopg2
import pytest
import requests

from eventlog import PostgresEventStore
from tests.support import wait_for

from .clients import Clients, items_to_plan
from .harness import relay_checkpoint, waits_for_a_lock
from .scale import scaled
from .servers import DisposableRabbit
from .stack import Stack, assert_each_key_planned_once

COMMANDS = scaled(120, 600)
OUTAGE_SECONDS = scaled(5, 20)


@pytest.fixture
def rabbit(tmp_path):
    node = DisposableRabbit(tmp_path / "rabbit")
    try:
        node.start()
        yield node
    finally:
        node.close()


@contextmanager
def ledger_held(settings):
    """Every ledger request waits inside the ledger while this holds the table its first query
    (member_roles, asked for every gateway request) reads."""
    conn = psycopg2.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("LOCK TABLE ledger.committee IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        conn.close()  # ends the transaction, and the lock with it


def consumed_and_drained(rabbit: DisposableRabbit) -> bool:
    """Each service's RPC queue and every event handler's queue is consumed again, and every
    event published has been handled."""
    queues = {name: q for name, q in rabbit.queues().items() if name.startswith(("rpc-", "evt-"))}
    consumed = all(consumers >= 1 for consumers, _ in queues.values())
    drained = not any(messages for name, (_, messages) in queues.items() if name[:4] == "evt-")
    return len(queues) >= 8 and consumed and drained


def ready(stack: Stack) -> bool:
    return requests.get(f"{stack.url}/readyz", timeout=10).status_code == 200


def test_every_service_recovers_by_itself_from_a_broker_restart(settings, db, children, rabbit):
    # The default RPC timeout: nameko's retries of a publish to a broker that is away end within
    # it, and raise kombu's error rather than time out.
    stack = Stack(children, rabbit.amqp_uri, settings.database_url, rpc_timeout=5)
    for service in ("ledger", "appraisal", "notify", "gateway"):
        stack.start(service)
    stack.await_ledger()
    token, branch = stack.seed(), stack.branch
    commands = items_to_plan(branch.branch_id, branch.run, COMMANDS)
    clients = Clients(stack.url, token, commands)
    wait_for(lambda: clients.settled >= COMMANDS // 4, 120, "answers", pause=0.01)
    with ledger_held(settings):
        wait_for(lambda: waits_for_a_lock(db, "ledger"), 30, "a request inside the ledger")
        rabbit.stop()
    time.sleep(OUTAGE_SECONDS)  # the outage; the clients keep sending meanwhile
    rabbit.start()

    clients.wait()
    assert_each_key_planned_once(db, branch.branch_id, commands, clients)
    children.assert_alive()  # nothing was restarted by hand, and nothing stopped on its own
    clients.assert_only_outages()
    wait_for(lambda: consumed_and_drained(rabbit), 60, "every queue consumed, events handled")
    wait_for(lambda: ready(stack), 60, "the gateway's /readyz")
    head = PostgresEventStore(db, source="test").head()
    wait_for(lambda: relay_checkpoint(db) >= head, 60, "the relay to publish the backlog")
