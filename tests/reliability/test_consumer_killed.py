"""A consumer killed with SIGKILL inside a handler's transaction, again and again, while the relay
publishes: its read model still applies every event exactly once, in stream order, and catches
up. Once as a plain process (bus + catch-up threads), once as a nameko service."""

import random

import pytest

from tests.support import wait_for

from .checks import assert_applied_exactly_once, catch_in_handler, handler_attempts
from .counter import applied
from .counter_service import queue_name
from .harness import append_rounds, delete_queue
from .scale import scaled

KILLS = scaled(5, 15)
NAMEKO_KILLS = scaled(3, 8)


def kill_in_handler(db, children, name: str, category: str, start, stored, more) -> None:
    """Starts a consumer, lets it apply a random number of events (fewer than were just
    appended, so work is left), then kills it inside a handler, its transaction open."""
    goal = applied(db, category) + random.randint(1, 20)
    start(name)
    wait_for(lambda: applied(db, category) >= goal, 30, f"{name} to apply some events")
    catch_in_handler(db, name, category, stored, more)
    children.kill(name)


def kill_again_and_again(db, store, category, children, start, kills: int) -> list:
    streams = [f"{category}-{n}" for n in range(10)]

    def another_round() -> list:
        return [e for b in append_rounds(store, streams, rounds=1, per_append=6) for e in b]

    stored: list = []
    for kill in range(kills):
        stored += another_round()
        kill_in_handler(db, children, f"consumer{kill}", category, start, stored, another_round)
    start("consumer-last")
    return stored


def test_a_consumer_killed_mid_transaction_again_and_again_applies_each_event_once(
    db, store, category, bus, read_model, children, tmp_path
):
    def consumer(name: str) -> None:
        children.consumer(name, category, bus.name)

    children.relay("relay")
    stored = kill_again_and_again(db, store, category, children, consumer, KILLS)
    assert_applied_exactly_once(db, category, read_model, stored)
    children.assert_alive()
    interrupted = handler_attempts(tmp_path) - len(stored)  # transactions that never committed
    assert interrupted > 0, "no kill landed inside a handler's transaction"


@pytest.fixture
def nameko_queue(settings, category):
    yield
    delete_queue(settings.amqp_uri, category, queue_name(category))


def test_a_nameko_consumer_killed_mid_transaction_applies_each_event_once(
    db, store, category, read_model, nameko_queue, children, tmp_path
):
    def nameko_run(name: str) -> None:
        children.start(
            name,
            *("-m", "nameko", "run", "--config", "deploy/nameko.yml"),
            "tests.reliability.counter_service:CounterService",
            env={"RELIABILITY_CATEGORY": category},
        )

    children.relay("relay")
    stored = kill_again_and_again(db, store, category, children, nameko_run, NAMEKO_KILLS)
    assert_applied_exactly_once(db, category, read_model, stored)
    children.assert_alive()
    assert handler_attempts(tmp_path) > len(stored), "no kill landed inside a transaction"
