"""Read models apply each event exactly once in effect, in stream order, whatever the bus does."""

import uuid
from dataclasses import replace

import eventlet
import pytest

from eventlog import NewEvent, Projection, ProjectionRunner
from eventlog.model import StoredEvent


def recorder(table: str, fail_on: set):
    def record(cur, event: StoredEvent) -> None:
        if event.data.get("n") in fail_on:
            raise RuntimeError("handler bug")
        cur.execute(
            f"INSERT INTO {table} (stream_id, seen) VALUES (%s, ARRAY[%s])"
            f" ON CONFLICT (stream_id) DO UPDATE SET seen = {table}.seen || %s",
            (event.stream_id, event.version, event.version),
        )

    return record


@pytest.fixture
def model(db, store):
    """A projection of its own category: records the versions it applied, per stream."""
    name = f"p{uuid.uuid4().hex[:10]}"
    table, fail_on = f"projtest.{name}", set()
    projection = Projection(
        name=name,
        categories=(name,),
        schema_sql=(
            "CREATE SCHEMA IF NOT EXISTS projtest;"
            f" CREATE TABLE IF NOT EXISTS {table} (stream_id text PRIMARY KEY, seen int[])"
        ),
        tables=(table,),
        handlers={"Happened": recorder(table, fail_on)},
    )
    runner = ProjectionRunner(db, store, projection)
    runner.setup()
    runner.fail_on = fail_on
    runner.seen = lambda: {
        row["stream_id"]: row["seen"] for row in db.fetch_all(f"SELECT * FROM {table}")
    }
    return runner


def append(store, runner: ProjectionRunner, count: int) -> list[StoredEvent]:
    stream = f"{runner.name}-{uuid.uuid4()}"
    return store.append(stream, [NewEvent("Happened", {"n": i}) for i in range(count)], 0)


def test_a_duplicate_delivery_is_skipped(store, model):
    events = append(store, model, 2)
    assert model.apply(events) == 2
    assert model.apply(events) == 0
    assert model.seen() == {events[0].stream_id: [1, 2]}


def test_an_event_ahead_of_its_predecessors_applies_them_first_from_the_log(store, model):
    events = append(store, model, 3)
    model.handle(events[2].to_message())  # the bus delivered v3 first
    model.handle(events[0].to_message())
    assert model.seen() == {events[0].stream_id: [1, 2, 3]}


def test_catch_up_applies_what_the_bus_lost(store, model):
    one, two = append(store, model, 2), append(store, model, 1)
    model.apply(one[:1])
    assert model.catch_up() == 2
    assert model.seen() == {one[0].stream_id: [1, 2], two[0].stream_id: [1]}
    assert model.catch_up() == 0
    assert model.lag() == 0


def test_catch_up_applies_the_events_it_read_without_reading_each_again(store, model, monkeypatch):
    one, two = append(store, model, 3), append(store, model, 2)
    model.apply(one[:1])
    reads = []
    read_stream_in = store.read_stream_in
    monkeypatch.setattr(
        store, "read_stream_in", lambda *a, **k: reads.append(a) or read_stream_in(*a, **k)
    )
    assert model.catch_up() == 4
    assert model.seen() == {one[0].stream_id: [1, 2, 3], two[0].stream_id: [1, 2]}
    assert reads == []


def test_a_model_built_at_a_lower_version_is_rebuilt_at_setup(db, store, model):
    events = append(store, model, 2)
    model.catch_up()
    counted = f"{model.projection.tables[0]}_counted"
    db.execute(f"CREATE TABLE {counted} (stream_id text PRIMARY KEY, n int)")

    def count(cur, event: StoredEvent) -> None:  # a table fed by events already passed
        cur.execute(
            f"INSERT INTO {counted} VALUES (%s, 1)"
            f" ON CONFLICT (stream_id) DO UPDATE SET n = {counted}.n + 1",
            (event.stream_id,),
        )

    counting = replace(
        model.projection, tables=(*model.projection.tables, counted), handlers={"Happened": count}
    )
    ProjectionRunner(db, store, counting).setup()  # the same version: nothing is replayed
    assert db.fetch_all(f"SELECT * FROM {counted}") == []
    ProjectionRunner(db, store, replace(counting, version=2)).setup()
    assert db.fetch_all(f"SELECT * FROM {counted}") == [{"stream_id": events[0].stream_id, "n": 2}]
    db.execute(f"UPDATE {counted} SET n = 99")  # a rebuild would count 2 again
    ProjectionRunner(db, store, replace(counting, version=2)).setup()
    assert db.fetch_one(f"SELECT n FROM {counted}")["n"] == 99  # rebuilt once, not at every start


def test_a_handler_that_raises_loses_nothing(store, model):
    model.fail_on.add(1)
    events = append(store, model, 3)
    with pytest.raises(RuntimeError):
        model.apply(events[1:2])  # v2 needs v1 (fetched), then v2 raises: nothing is kept
    assert model.seen() == {}
    assert model.catch_up() == 1  # v1 applied; stops at v2 without passing it
    assert model.seen() == {events[0].stream_id: [1]}
    model.fail_on.clear()  # the bug is fixed and the service restarted
    assert model.catch_up() == 2
    assert model.seen() == {events[0].stream_id: [1, 2, 3]}


def test_the_place_moves_on_past_other_categories_once_caught_up(store, model):
    """The log is read in log order and filtered by category: a model whose place stayed at its
    own last event would filter every other category's later events again at every sweep."""
    model.catch_up()
    others = [
        store.append(f"other-{uuid.uuid4()}", [NewEvent("Happened", {"n": i})], 0)[0]
        for i in range(3)
    ]
    assert model.catch_up() == 0
    assert model._place() >= others[-1].position
    mine = append(store, model, 1)
    assert model.catch_up() == 1 and model.seen() == {mine[0].stream_id: [1]}


def test_rebuild_from_the_log_equals_the_live_model(store, model):
    for count in (3, 1, 4):
        model.apply(append(store, model, count))
    live = model.seen()
    progress = []
    assert model.rebuild(progress=lambda done, total: progress.append((done, total))) == 8
    assert model.seen() == live
    assert progress[-1] == (8, 8)
    assert model.catch_up() == 0


def test_a_rebuild_while_an_applier_is_between_its_tables_waits_for_it(db, store):
    """A demo load rebuilds a running service's read model: the schema's idempotent DDL (an
    ALTER TABLE ... IF NOT EXISTS locks its table) must not interleave with a live applier that
    holds one of the tables and is about to take another."""
    name = f"p{uuid.uuid4().hex[:10]}"
    first, second = f"projtest.{name}_a", f"projtest.{name}_b"
    inside, go_on = eventlet.Event(), eventlet.Event()

    def both(cur, event: StoredEvent) -> None:
        cur.execute(f"INSERT INTO {second} VALUES (%s)", (event.stream_id,))
        if not inside.ready():
            inside.send()
            go_on.wait()
        cur.execute(f"INSERT INTO {first} VALUES (%s)", (event.stream_id,))

    projection = Projection(
        name=name,
        categories=(name,),
        schema_sql=(
            "CREATE SCHEMA IF NOT EXISTS projtest;"
            f" CREATE TABLE IF NOT EXISTS {first} (stream_id text);"
            f" CREATE TABLE IF NOT EXISTS {second} (stream_id text);"
            f" ALTER TABLE {first} ADD COLUMN IF NOT EXISTS note text;"
            f" ALTER TABLE {second} ADD COLUMN IF NOT EXISTS note text"
        ),
        tables=(first, second),
        handlers={"Happened": both},
    )
    runner = ProjectionRunner(db, store, projection)
    runner.setup()
    events = store.append(f"{name}-1", [NewEvent("Happened", {"n": 0})], 0)
    applier = eventlet.spawn(runner.apply, events)
    inside.wait()  # the applier holds the second table
    rebuild = eventlet.spawn(runner.rebuild)
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while db.fetch_all(waiting)[0]["count"] == 0:
        eventlet.sleep(0.01)  # the rebuild is blocked, on the applier's lock or on its table
    go_on.send()
    assert applier.wait() == 1  # without the lock first: deadlock detected, in one of the two
    assert rebuild.wait() == 1
    assert db.fetch_all(f"SELECT count(*) FROM {first}")[0]["count"] == 1


def test_a_rebuild_replays_with_its_own_handlers_then_runs_rebuilt_once(db, store, model):
    """What a live applier keeps up event by event, a rebuild may fill once at the end."""
    table = model.projection.tables[0]
    rebuilt = []

    def skip(cur, event: StoredEvent) -> None:
        pass

    def fill(cur) -> None:
        rebuilt.append(cur)
        cur.execute(
            f"INSERT INTO {table} SELECT stream_id, array_agg(version ORDER BY version)"
            " FROM eventlog.events WHERE stream_id LIKE %s GROUP BY stream_id",
            (f"{model.name}-%",),
        )

    model.apply(append(store, model, 3))
    live = model.seen()
    model.projection = replace(model.projection, replay_handlers={"Happened": skip}, rebuilt=fill)
    assert model.rebuild() == 3
    assert model.seen() == live
    assert len(rebuilt) == 1
    events = append(store, model, 2)
    model.apply(events)  # live, the handlers proper
    assert model.seen()[events[0].stream_id] == [1, 2]


def test_events_of_other_categories_are_ignored(store, model):
    stray = store.append(f"other-{uuid.uuid4()}", [NewEvent("Happened", {"n": 0})], 0)
    assert model.apply(stray) == 0
    assert model.seen() == {}


def test_a_message_whose_event_is_not_in_this_log_is_ignored(store, model):
    events = append(store, model, 2)
    for stranger in (
        replace(events[0], event_id=uuid.uuid4()),  # its place in the stream holds another
        replace(events[1], stream_id=f"{model.name}-elsewhere"),  # a stream this log lacks
    ):
        model.handle(stranger.to_message())
    assert model.seen() == {}
    assert model.apply(events) == 2


def test_a_reaction_writes_to_the_log_with_the_runners_store_once(db, store):
    """A process manager: each event of its category makes one event elsewhere, whatever the
    redeliveries and replays, through the store the runner was given."""
    name = f"r{uuid.uuid4().hex[:10]}"

    def echo(cur, event, given) -> None:
        target = f"echo{name}-{event.event_id}"
        if not given.stream_version(target):
            given.append(target, [NewEvent("Echoed", {"of": str(event.event_id)})], 0)

    runner = ProjectionRunner(
        db, store, Projection(name, (name,), "SELECT 1", (), reactions={"Happened": echo})
    )
    runner.setup()
    events = store.append(f"{name}-{uuid.uuid4()}", [NewEvent("Happened", {"n": 0})], 0)
    runner.apply(events)
    runner.apply(events)
    runner.catch_up()
    echoed = f"echo{name}-{events[0].event_id}"
    assert [(e.type, e.source) for e in store.read_stream(echoed)] == [("Echoed", "test")]
    runner.rebuild()  # replays the reaction, which finds its work done
    assert store.stream_version(echoed) == 1


def test_a_new_read_model_is_built_from_the_log_at_setup(db, store, model):
    """A read model added to a service whose log is long is built at once by the rebuild's
    batches, not left for the sweep to apply event by event while requests find it empty."""
    events = append(store, model, 3)
    newcomer = replace(model.projection, name=f"{model.name}new")
    runner = ProjectionRunner(db, store, newcomer)
    runner.setup()
    assert model.seen() == {events[0].stream_id: [1, 2, 3]} and runner.lag() == 0
    assert runner.catch_up() == 0


def test_a_stream_is_caught_up_before_the_log_can_be_read_past_it(db, store, model):
    """An event committed while an older transaction is still open is out of catch_up's reach
    (readers wait for that transaction), not of its stream's."""
    older = db.connect()
    try:
        with older.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()")  # a transaction id, held open
        events = append(store, model, 2)
        assert model.catch_up() == 0
        assert model.catch_up_stream(events[0].stream_id) == 2
        assert model.seen() == {events[0].stream_id: [1, 2]}
    finally:
        older.rollback()
        older.close()
    assert model.catch_up() == 0 and model.catch_up_stream(events[0].stream_id) == 0
    unknown = f"{model.name}-{uuid.uuid4()}"
    assert model.catch_up_stream(unknown) == 0
    assert db.fetch_one("SELECT 1 FROM eventlog.tracking WHERE stream_id = %s", (unknown,)) is None


def test_callers_at_once_share_catch_ups(store, model, monkeypatch):
    """Twenty green threads catching up together: the first runs one, the others all wait for
    the next (which starts after they called, so it reads what they would have), not twenty."""
    events = append(store, model, 5)
    runs = []
    head = store.head
    monkeypatch.setattr(store, "head", lambda: runs.append(1) or head())
    pool = eventlet.GreenPool()
    applied = list(pool.imap(lambda _: model.catch_up(), range(20)))
    assert sum(applied) == 5 and len(runs) == 2
    assert model.seen() == {events[0].stream_id: [1, 2, 3, 4, 5]}
