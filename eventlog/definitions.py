"""Events as typed contracts: each type a producer appends is defined once, as a frozen dataclass.

A definition names the type (the class's name, as the log stores it), its schema version, the
stream category it is appended to, and its payload's fields with their types. Fields hold the
payload as the log stores it (JSON: dates and times as ISO text, see `IsoDate`), so that turning
a definition into a log event and reading it back changes nothing. Upcasters, which read older
versions as the newest one, are registered beside the definition they serve (`upcaster`).

A producer's decide functions return definitions; `new_event` turns one into the log's NewEvent
where it is appended. Consumers read a stored event's payload through its definition
(`ItemPlanned.of(event)`, or the producer's `Catalogue.read`), never from the raw `data`, so
every field a consumer reads is one a definition has: the contract test checks exactly that
(eventlog/contract.py).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self

from eventlog.model import UPCASTERS, NewEvent, Upcaster

# Payload values the log stores as text; the annotation says what the text means.
IsoDate = Annotated[str, "ISO date"]
IsoTime = Annotated[str, "ISO date and time, with its zone"]

# Attributes every definition has beside its fields: a consumer may read them too.
EVENT_ATTRIBUTES = frozenset({"type", "schema_version", "category", "data", "retired"})


@typing.dataclass_transform(frozen_default=True)
class Event:
    """Base of every event definition: subclass it with the stream category it goes to,

        class ItemCompleted(Event, category="item", schema_version=2):
            period: str
            note: str

    and the subclass is a frozen dataclass of those fields. `retired=True`: no command appends
    the type any more, but logs written before hold it, and readers must still take it."""

    type: ClassVar[str]
    category: ClassVar[str]
    schema_version: ClassVar[int] = 1
    retired: ClassVar[bool] = False
    upcasters: ClassVar[dict[int, Upcaster]]
    # (name, default) of each field, in order; REQUIRED for a field without one.
    fields: ClassVar[tuple[tuple[str, Any], ...]]
    names: ClassVar[frozenset[str]]
    # Fields the payload leaves out when they hold None (see `omittable`).
    omitted: ClassVar[frozenset[str]]

    def __init_subclass__(
        cls, *, category: str, schema_version: int = 1, retired: bool = False, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.type, cls.category = cls.__name__, category
        cls.schema_version, cls.retired, cls.upcasters = schema_version, retired, {}
        # Keyword-only: an event is made by naming its fields, never by their order.
        dataclasses.dataclass(frozen=True, kw_only=True)(cls)
        found = dataclasses.fields(cls)  # type: ignore[arg-type]
        cls.fields = tuple((f.name, _default(f)) for f in found)
        cls.names = frozenset(f.name for f in found)
        cls.omitted = frozenset(f.name for f in found if f.metadata.get(_OMITTABLE))

    @property
    def data(self) -> dict[str, Any]:
        """The payload, as the log stores it."""
        values = {name: getattr(self, name) for name, _ in self.fields}
        if self.omitted:
            return {k: v for k, v in values.items() if v is not None or k not in self.omitted}
        return values

    @classmethod
    def of(cls, event: Any) -> Self:
        """The payload of a stored event of this type (or the definition itself, unchanged),
        upcast to the definition's version if it is older.

        A field the stored payload lacks takes the definition's default (a field added to a type
        without a new version, which old events do not carry); one without a default must be
        there. Keys the definition does not name are left out."""
        if isinstance(event, cls):
            return event
        if event.type != cls.type:
            raise TypeError(f"{event.type} read as {cls.type}")
        data = event.data
        # The log upcasts what it reads back; an event as appended (what an append answers)
        # keeps the version it was written in, which the definition's upcasters read.
        version = getattr(event, "schema_version", cls.schema_version)
        if version < cls.schema_version:
            data = UPCASTERS.upcast(cls.type, version, data)[1]
        typed = object.__new__(cls)
        # As StoredEvent.assemble: frozen fields set without __setattr__, once per event read (a
        # rebuild reads every event of the log), and at once when the payload is as defined.
        if data.keys() == cls.names:
            typed.__dict__.update(data)
        else:
            typed.__dict__.update(
                {
                    name: data[name] if default is REQUIRED or name in data else made(default)
                    for name, default in cls.fields
                }
            )
        return typed

    @classmethod
    def taking(cls, source: Any, **given: Any) -> Self:
        """The event whose fields are `source`'s attributes of the same names (a command's, say),
        but those `given`, as the log stores them (days as ISO text, tuples as lists). A field
        with a default that `source` lacks keeps the default."""
        taken = {
            name: getattr(source, name)
            for name, default in cls.fields
            if name not in given and (default is REQUIRED or hasattr(source, name))
        }
        return cls(**{name: _stored(value) for name, value in {**taken, **given}.items()})

    @classmethod
    def upcaster(cls, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Registers the step that reads `from_version` of this type as `from_version + 1`."""

        def register(step: Upcaster) -> Upcaster:
            cls.upcasters[from_version] = step
            return UPCASTERS.register(cls.type, from_version)(step)

        return register

    @classmethod
    def field_types(cls) -> dict[str, Any]:
        """Each field's type, as annotated (Annotated types keep their note)."""
        hints = typing.get_type_hints(cls, include_extras=True)
        return {name: hints[name] for name, _ in cls.fields}


_OMITTABLE = "omittable"


def omittable() -> Any:
    """A field the payload leaves out when it holds None (and reads as None when absent): for a
    type whose payload has always held one field or another, never both."""
    return dataclasses.field(default=None, metadata={_OMITTABLE: True})


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED: Any = _Required()


def _default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory
    return REQUIRED


def _stored(value: Any) -> Any:
    """A value as a JSON payload holds it, and reads it back."""
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_stored(each) for each in value]
    if isinstance(value, Mapping):
        return {key: _stored(each) for key, each in value.items()}
    return value


def made(default: Any) -> Any:
    """A default as the field holds it: a factory (list, dict) makes a new value each time."""
    return default() if callable(default) else default


def new_event(event: Event, occurred_at: datetime | None = None) -> NewEvent:
    """The log's NewEvent for a definition: where a producer appends what it decided."""
    return NewEvent(event.type, event.data, event.schema_version, occurred_at=occurred_at)


class Catalogue:
    """A producer's event definitions: what it appends, to which categories of stream."""

    def __init__(self, producer: str, module: str, definitions: Iterable[type[Event]]):
        self.producer, self.module = producer, module
        self.types: dict[str, type[Event]] = {}
        for definition in definitions:
            if definition.type in self.types:
                raise ValueError(f"{producer}: {definition.type} is defined twice")
            self.types[definition.type] = definition

    @classmethod
    def of_module(cls, producer: str, namespace: Mapping[str, Any]) -> Catalogue:
        """Every definition made in the module whose globals are `namespace`."""
        module = namespace["__name__"]
        found = [
            value
            for value in namespace.values()
            if isinstance(value, type)
            and issubclass(value, Event)
            and value is not Event
            and value.__module__ == module
        ]
        return cls(producer, module, found)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(definition.category for definition in self.types.values())

    def in_categories(self, categories: Iterable[str]) -> dict[str, type[Event]]:
        wanted = set(categories)
        return {name: d for name, d in self.types.items() if d.category in wanted}

    def read(self, event: Any) -> Event | None:
        """A stored event's payload through its definition (a definition passes unchanged);
        None for a type this producer does not define."""
        if isinstance(event, Event):
            return event
        definition = self.types.get(event.type)
        return definition.of(event) if definition is not None else None

    def typed(self, type_name: str, data: Mapping[str, Any]) -> Event | None:
        """A payload as an answer carries it (JSON: a query that answers events as stored)."""
        return self.read(_Payload(type_name, data))


@dataclasses.dataclass(frozen=True)
class _Payload:
    type: str
    data: Mapping[str, Any]
