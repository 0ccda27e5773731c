"""Keyed commands: a command sent with a key takes effect once, whatever crashes between its
commit and its answer (the service, its caller, or the connection between them).

The gateway sends every command with a `command_key`: one made of the client's Idempotency-Key,
or one of its own for a request without one (the broker may deliver a request twice). The
command's events are appended together with a CommandRecorded event on the key's own stream,
`command-<digest of service and key>`, expected to be new: both are stored, or neither. A later
attempt with the key finds the record and answers what the first one did, without deciding
again; of two attempts at once, the second's append conflicts on the record, and it answers the
first's outcome. The record names the command and a digest of its arguments: a key reused for
another command is refused. A command that decides no events stores nothing, not even a record.

A refusal is an outcome too, recorded as CommandRefused on the key's stream: a request that the
broker delivers late (its service killed before it answered, the caller's retry refused since)
then meets the refusal the caller was given, instead of taking effect after it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from marshmallow import ValidationError

from eventlog.definitions import new_event
from eventlog.model import ConcurrencyConflict, Metadata, NewEvent, StoredEvent

from .errors import EXPECTED, BadInput
from .events import CommandRecorded, CommandRefused
from .handlers import Outcome


def record_stream(source: str, key: str) -> str:
    return "command-" + hashlib.sha256(f"{source}|{key}".encode()).hexdigest()


def digest(arguments: Mapping[str, Any]) -> str:
    text = json.dumps(arguments, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class KeyedStore:
    """The service's store while a keyed command runs: reads pass through, and the command's
    commit (handlers.commit) appends its events with the record, in one append."""

    def __init__(self, store: Any, stream_id: str, command: str, arguments: str):
        self._store, self.stream_id = store, stream_id
        self.command, self.arguments = command, arguments
        self._committed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def append_outcome(
        self,
        id: str,
        stream_id: str,
        events: Sequence[NewEvent],
        version: int | None,
        *,
        metadata: Metadata,
    ) -> list[StoredEvent]:
        if not events:
            return []
        if self._committed:  # a second record would conflict with the first: say so instead
            raise RuntimeError(f"{self.command} commits twice: keyed commands once")
        record = CommandRecorded(
            command=self.command,
            arguments=self.arguments,
            id=id,
            stream_id=stream_id,
            events=[str(event.event_id) for event in events],
        )
        appends = [(stream_id, version, events), (self.stream_id, 0, [new_event(record)])]
        stored = self._store.append_batch(appends, metadata=metadata)
        self._committed = True
        return [event for event in stored if event.stream_id == stream_id]


def run(
    store: Any,
    key: str | None,
    command: str,
    arguments: Mapping[str, Any],
    handle: Callable[[Any], Outcome],
) -> Outcome:
    """`handle(store)` runs the command on the store it is to write to; with a key, the first
    outcome for that key is answered instead, if there is one."""
    if key is None:
        return handle(store)
    stream, given = record_stream(store.source, key), digest(arguments)
    first = replay(store, stream, command, given)
    if first is not None:
        return first
    try:
        return handle(KeyedStore(store, stream, command, given))
    except EXPECTED as refusal:
        # Perhaps another attempt with the key committed meanwhile (a conflict on the record):
        # its outcome is the key's. Else this refusal is, once recorded.
        first = replay(store, stream, command, given)
        if first is not None:
            return first
        refused = CommandRefused(command=command, arguments=given, **_kept(refusal))
        try:
            store.append(stream, [new_event(refused)], 0)
        except ConcurrencyConflict:  # another attempt's outcome recorded first: the key's
            first = replay(store, stream, command, given)
            if first is not None:
                return first
        raise refusal


def replay(store: Any, stream: str, command: str, arguments: str) -> Outcome | None:
    """The outcome recorded on `stream`, its events read from the log; None if none is; a
    refusal recorded is raised again."""
    records = store.read_stream(stream)
    if not records:
        return None
    refused = records[0].type == CommandRefused.type
    record = (CommandRefused if refused else CommandRecorded).of(records[0])
    if (record.command, record.arguments) != (command, arguments):
        raise BadInput({"command_key": ["already used for another command or other arguments"]})
    if isinstance(record, CommandRefused):
        _raise(record)
    ids = set(record.events)
    events = [e for e in store.read_stream(record.stream_id) if str(e.event_id) in ids]
    return Outcome(record.id, events[-1].version, events)


def _kept(refusal: Exception) -> dict[str, Any]:
    """A refusal as it can be raised again: its class, and what it was made with."""
    if isinstance(refusal, ConcurrencyConflict):
        args = [refusal.stream_id, refusal.expected, refusal.actual]
    elif isinstance(refusal, ValidationError):
        args = [refusal.messages]
    else:
        args = [str(refusal)]
    kind = type(refusal)
    return {"refusal": f"{kind.__module__}:{kind.__qualname__}", "args": args}


def _raise(record: CommandRefused) -> NoReturn:
    module, _, name = record.refusal.partition(":")
    kind = getattr(importlib.import_module(module), name)
    if not (isinstance(kind, type) and issubclass(kind, EXPECTED)):
        raise TypeError(f"{record.refusal} is not a refusal")
    raise kind(*record.args)
