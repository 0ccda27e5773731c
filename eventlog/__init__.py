"""taizhang's event log: an append-only PostgreSQL log, published to RabbitMQ from the log,
consumed into read models exactly once in effect. One library for every service."""

from eventlog.config import Settings
from eventlog.db import Database
from eventlog.definitions import Catalogue, Event, IsoDate, IsoTime, new_event, omittable
from eventlog.memory import InMemoryEventStore
from eventlog.model import (
    START,
    UPCASTERS,
    ConcurrencyConflict,
    DuplicateEventIdMismatch,
    EventLogError,
    Metadata,
    NewEvent,
    Position,
    StoredEvent,
    category_of,
    utcnow,
)
from eventlog.projection import Projection, ProjectionRunner, owner_of, statement
from eventlog.store import PostgresEventStore

__all__ = [
    "START",
    "UPCASTERS",
    "Catalogue",
    "ConcurrencyConflict",
    "Database",
    "DuplicateEventIdMismatch",
    "Event",
    "EventLogError",
    "InMemoryEventStore",
    "IsoDate",
    "IsoTime",
    "Metadata",
    "NewEvent",
    "Position",
    "PostgresEventStore",
    "Projection",
    "ProjectionRunner",
    "Settings",
    "StoredEvent",
    "category_of",
    "new_event",
    "omittable",
    "owner_of",
    "statement",
    "utcnow",
]
