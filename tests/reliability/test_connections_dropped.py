"""The database drops the relay's and a consumer's sessions mid-run (pg_terminate_backend, as a
failover or an operator would): both reconnect by themselves and converge, nothing lost or
applied twice."""

from eventlog.seal import verify
from tests.support import wait_for

from .checks import (
    assert_applied_exactly_once,
    assert_sealed_once,
    catch_in_handler,
)
from .counter import applied
from .harness import (
    append_rounds,
    last_position,
    relay_checkpoint,
    terminate,
    wait_relayed,
)
from .scale import scaled

DROPS = scaled(4, 12)


def append_then_drop_sessions(db, store, streams: list[str], children, category, stored) -> None:
    """Appends to `stored`, waits until the relay and the consumer both work on it, then drops
    their sessions while the consumer is inside a handler's transaction."""

    def another_round() -> list:
        return [e for b in append_rounds(store, streams, rounds=1, per_append=8) for e in b]

    start, before = relay_checkpoint(db), applied(db, category)
    stored += another_round()
    wait_for(lambda: relay_checkpoint(db) > start, 30, "the relay to publish")
    wait_for(lambda: applied(db, category) > before, 30, "the consumer to apply")
    catch_in_handler(db, "consumer", category, stored, another_round)
    assert terminate(db, ["relay", "consumer"]) >= 2  # at least the relay lock and the handler
    children.assert_alive()


def test_relay_and_consumer_recover_when_the_database_drops_their_sessions(
    db, store, category, bus, read_model, children
):
    baseline = set(verify(db).problems)
    streams = [f"{category}-{n}" for n in range(10)]
    children.relay("relay")
    children.consumer("consumer", category, bus.name)
    stored: list = []
    for _ in range(DROPS):
        append_then_drop_sessions(db, store, streams, children, category, stored)

    wait_relayed(db, last_position(db, category), "relay")
    assert relay_checkpoint(db) == store.head()
    assert_applied_exactly_once(db, category, read_model, stored)
    children.assert_alive()
    assert_sealed_once(db, category, baseline)
