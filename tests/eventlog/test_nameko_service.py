"""The library inside a real nameko service, over the real RabbitMQ: command → log → relay →
bus → event_handler → read model; and catch-up from the log after the service was down."""

import uuid

import amqp
import kombu
import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook

from eventlog import NewEvent, PostgresEventStore, Projection
from eventlog.nameko import EventLog, LogRelay, ReadModel, RetiredQueues, RetiredReadModel
from tests.support import wait_for

TABLE = "projtest.nameko_counts"


def count(cur, event) -> None:
    cur.execute(
        f"INSERT INTO {TABLE} (stream_id, n) VALUES (%s, 1)"
        f" ON CONFLICT (stream_id) DO UPDATE SET n = {TABLE}.n + 1",
        (event.stream_id,),
    )


PROJECTION = Projection(
    name="nameko-counts",
    categories=("tally",),
    schema_sql=(
        "CREATE SCHEMA IF NOT EXISTS projtest;"
        f" CREATE TABLE IF NOT EXISTS {TABLE} (stream_id text PRIMARY KEY, n int)"
    ),
    tables=(TABLE,),
    handlers={"Counted": count},
)


class TallyService:
    name = "tally"
    log = EventLog()
    read_model = ReadModel(PROJECTION, sweep_seconds=3600)  # only the start-up catch-up sweeps
    relay = LogRelay()

    @rpc
    def count(self, stream_id: str) -> int:
        return self.log.append(stream_id, [NewEvent("Counted", {})], None)[-1].version

    @event_handler("tally", "#")
    def on_event(self, body) -> None:
        self.read_model.handle(body)


def counted(db, stream_id: str) -> int:
    row = db.fetch_one(f"SELECT n FROM {TABLE} WHERE stream_id = %s", (stream_id,))
    return row["n"] if row else 0


def test_a_command_reaches_the_read_model_through_the_bus(db, rabbit_config, container_factory):
    container = container_factory(TallyService, rabbit_config)
    container.start()
    stream = f"tally-{uuid.uuid4()}"
    with entrypoint_hook(container, "count") as count_rpc:
        assert [count_rpc(stream) for _ in range(3)] == [1, 2, 3]
    wait_for(lambda: counted(db, stream) == 3, 20, "the read model to count 3 events")
    container.stop()


def test_events_stored_while_the_service_was_down_are_applied_on_start(
    db, rabbit_config, container_factory
):
    stream = f"tally-{uuid.uuid4()}"
    PostgresEventStore(db, "tally").append(stream, [NewEvent("Counted", {})], 0)
    container = container_factory(TallyService, rabbit_config)
    container.start()
    wait_for(lambda: counted(db, stream) == 1, 20, "the start-up catch-up to count the event")
    container.stop()


def test_events_carry_the_correlation_id_of_the_request(db, rabbit_config, container_factory):
    container = container_factory(TallyService, rabbit_config)
    container.start()
    stream = f"tally-{uuid.uuid4()}"
    with entrypoint_hook(container, "count", context_data={"correlation_id": "req-42"}) as count:
        count(stream)
    stored = PostgresEventStore(db, "tally").read_stream(stream)
    assert [e.correlation_id for e in stored] == ["req-42"]
    container.stop()


def test_retired_handler_queues_are_deleted_when_the_service_starts(
    rabbit_config, container_factory
):
    retired = f"evt-tally-Counted--tally.retired_{uuid.uuid4().hex[:8]}"
    with kombu.Connection(rabbit_config["AMQP_URI"]) as conn:
        kombu.Queue(retired, durable=True)(conn.default_channel).declare()

    class Upgraded(TallyService):
        retired_queues = RetiredQueues(retired, "evt-tally-Never--tally.declared")

    container = container_factory(Upgraded, rabbit_config)
    container.start()
    with (
        kombu.Connection(rabbit_config["AMQP_URI"]) as conn,
        pytest.raises(amqp.exceptions.NotFound),
    ):
        conn.default_channel.queue_declare(retired, passive=True)
    container.stop()


def test_a_retired_read_model_is_removed_when_the_service_starts(
    db, rabbit_config, container_factory
):
    name, table = f"retired-{uuid.uuid4().hex[:8]}", f"projtest.retired_{uuid.uuid4().hex[:8]}"
    db.execute(f"CREATE SCHEMA IF NOT EXISTS projtest; CREATE TABLE {table} (n int)")
    db.execute("INSERT INTO eventlog.subscriptions (name) VALUES (%s)", (name,))
    db.execute(
        "INSERT INTO eventlog.tracking (subscription, stream_id, version) VALUES (%s, 's', 1)",
        (name,),
    )

    class Upgraded(TallyService):
        retired_read_model = RetiredReadModel(name, table)

    container = container_factory(Upgraded, rabbit_config)
    container.start()
    left = db.fetch_one(
        "SELECT to_regclass(%s) AS tab,"
        " (SELECT count(*) FROM eventlog.subscriptions WHERE name = %s) AS subscriptions,"
        " (SELECT count(*) FROM eventlog.tracking WHERE subscription = %s) AS tracking",
        (table, name, name),
    )
    assert left == {"tab": None, "subscriptions": 0, "tracking": 0}
    container.stop()
