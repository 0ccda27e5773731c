"""A world the producers write, command by command, with what hypothesis draws.

Every event comes from a producer's real command: a payload loaded by the service's own schema,
run by its handler (ledger, appraisal) or by its pure domain's decide function (notify, gateway
users), appended through the log's port. Whatever the domain refuses is simply not written, as
in production. The events end up in `events`, in the order the log stored them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from hypothesis import strategies as st

from eventlog import StoredEvent
from services.common.errors import EXPECTED
from services.common.handlers import EventStore, commit, load
from services.common.rpc import Commands
from services.common.schemas import load as load_payload

T = TypeVar("T")
NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
# Text as people type it (a schema refuses what cannot be stored: the command writes nothing)...
TEXT = st.text(min_size=1, max_size=12)
# ... and as it reaches a domain that no schema guards, from data that passed one.
STORABLE = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)


@dataclass
class World:
    store: EventStore
    draw: Callable[[st.SearchStrategy[Any]], Any]
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])  # ids unique to the run
    now: datetime = NOW
    events: list[StoredEvent] = field(default_factory=list)

    def id(self, name: str) -> str:
        return f"{name}{self.run}"

    def pick(self, choices: Sequence[T]) -> T:
        return self.draw(st.sampled_from(list(choices)))

    def maybe(self, strategy: st.SearchStrategy[T]) -> T | None:
        return self.draw(st.none() | strategy)

    def times(self, most: int) -> range:
        return range(self.draw(st.integers(0, most)))

    def load(self, schema: type, payload: dict) -> Any | None:
        """The command the schema loads, None if it refuses the payload."""
        try:
            return load_payload(_schema(schema), payload)
        except EXPECTED:
            return None

    def command(self, commands: Commands, name: str, payload: dict, ports: Any) -> list:
        """Runs the service's command `name` as its RPC method does: schema, then handler."""
        schema, handle = commands[name]
        if (cmd := self.load(schema, payload)) is None:
            return []
        try:
            outcome = handle(cmd, ports, self.now)
        except EXPECTED:
            return []
        self.events += outcome.events
        return outcome.events

    def decide(
        self,
        stream: str,
        evolve: Callable[[Any, Any], Any],
        initial: Any,
        decide: Callable[[Any], list],
        **metadata: Any,
    ) -> list[StoredEvent]:
        """Loads a stream, decides with the pure domain and appends at the version loaded."""
        state, version = load(self.store, stream, evolve, initial)
        try:
            decided = decide(state)
        except EXPECTED:
            return []
        if not decided:
            return []
        metadata.setdefault("branch_id", None)
        outcome = commit(self.store, stream, decided, version, now=self.now, id=stream, **metadata)
        self.events += outcome.events
        return outcome.events


@cache
def _schema(schema: type) -> Any:
    return schema()
