"""The event log's vocabulary: events to append, events as stored, positions, errors.

Pure data: nothing here does I/O, so the domain of every service can use it in unit tests.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


class EventLogError(Exception):
    """Base of every error the event log raises."""


class ConcurrencyConflict(EventLogError):
    """The stream's current version is not the version the writer expected."""

    def __init__(self, stream_id: str, expected: int | None, actual: int | None = None):
        self.stream_id, self.expected, self.actual = stream_id, expected, actual
        super().__init__(f"stream {stream_id!r}: expected version {expected}, found {actual}")


class DuplicateEventIdMismatch(EventLogError):
    """An event id was reused for different events: a retry that is not the same retry."""


def new_event_id() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): milliseconds since the epoch, then random bits. Ids made one
    after another sort one after another, so the log's unique index on them grows at its right
    edge instead of touching a random page for every event appended."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC 4122 variant
    return uuid.UUID(int=value)


def category_of(stream_id: str) -> str:
    """A stream id reads `<category>-<id>`; the category groups streams of one aggregate type."""
    return stream_id.split("-", 1)[0]


@dataclass(frozen=True)
class Metadata:
    """Who, where and why: carried by every event and by everything an event causes."""

    branch_id: str | None = None
    actor_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None


NO_METADATA = Metadata()


@dataclass(frozen=True)
class NewEvent:
    """An event a domain decided on, before the log stores it."""

    type: str
    data: Mapping[str, Any]
    schema_version: int = 1
    event_id: uuid.UUID = field(default_factory=new_event_id)
    occurred_at: datetime | None = None  # None: the moment of the append

    def __post_init__(self) -> None:
        # A naive time would be read in the database session's zone: another instant than the
        # writer meant, and than the append returns.
        if self.occurred_at is not None and self.occurred_at.utcoffset() is None:
            raise ValueError(f"{self.type}: occurred_at must carry its time zone")


@dataclass(frozen=True, order=True)
class Position:
    """A place in the log's total order.

    The order is (transaction_id, position): `position` is unique and increases in insert order, and
    `transaction_id` is the writing transaction's 64-bit id. See store.py for why this pair, not
    `position` alone, is the order a tailing reader can trust.
    """

    transaction_id: int = 0
    position: int = 0


START = Position(0, 0)


@dataclass(frozen=True)
class StoredEvent:
    """An event as the log holds it (after upcasting to the newest schema version)."""

    event_id: uuid.UUID
    stream_id: str
    version: int
    type: str
    schema_version: int
    data: Mapping[str, Any]
    source: str
    position: Position
    occurred_at: datetime
    recorded_at: datetime
    branch_id: str | None = None
    actor_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None

    @property
    def category(self) -> str:
        return category_of(self.stream_id)

    @property
    def metadata(self) -> Metadata:
        return Metadata(self.branch_id, self.actor_id, self.correlation_id, self.causation_id)

    def to_message(self) -> dict[str, Any]:
        """The JSON body published on the bus (and accepted back by `from_message`)."""
        return {
            "event_id": str(self.event_id),
            "stream_id": self.stream_id,
            "version": self.version,
            "type": self.type,
            "schema_version": self.schema_version,
            "data": dict(self.data),
            "source": self.source,
            "transaction_id": self.position.transaction_id,
            "position": self.position.position,
            "occurred_at": self.occurred_at.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "branch_id": self.branch_id,
            "actor_id": self.actor_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
        }

    @classmethod
    def assemble(cls, **fields: Any) -> StoredEvent:
        """The event, as the generated __init__ would make it but at a quarter of its cost (it
        sets the fields one frozen setattr at a time): the log builds one per event it appends
        or reads. Every field without a default must be given."""
        event = object.__new__(cls)
        event.__dict__.update(fields)
        return event

    @classmethod
    def from_message(
        cls, body: Mapping[str, Any], upcasters: Upcasters | None = None
    ) -> StoredEvent:
        """The event a bus message carries, upcast to the newest shape this process knows."""
        schema_version, data = (upcasters or UPCASTERS).upcast(
            body["type"], int(body["schema_version"]), body["data"]
        )
        return cls(
            event_id=uuid.UUID(body["event_id"]),
            stream_id=body["stream_id"],
            version=int(body["version"]),
            type=body["type"],
            schema_version=schema_version,
            data=data,
            source=body["source"],
            position=Position(int(body["transaction_id"]), int(body["position"])),
            occurred_at=datetime.fromisoformat(body["occurred_at"]),
            recorded_at=datetime.fromisoformat(body["recorded_at"]),
            branch_id=body.get("branch_id"),
            actor_id=body.get("actor_id"),
            correlation_id=body.get("correlation_id"),
            causation_id=body.get("causation_id"),
        )


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Upcasters:
    """Upgrades the data of older schema versions on read, one version step at a time.

    Stored events are never rewritten: a type that changes shape gets a new schema version and an
    upcaster from the previous one, so every reader sees only the newest shape.
    """

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def decorate(step: Upcaster) -> Upcaster:
            self._steps[(event_type, from_version)] = step
            return step

        return decorate

    def upcast(
        self, event_type: str, version: int, data: Mapping[str, Any]
    ) -> tuple[int, Mapping[str, Any]]:
        while (step := self._steps.get((event_type, version))) is not None:
            data, version = step(dict(data)), version + 1
        return version, data


UPCASTERS = Upcasters()


def utcnow() -> datetime:
    return datetime.now(UTC)
