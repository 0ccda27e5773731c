"""The events every service appends alike: the outcome of a keyed command, taken effect or
refused (`command-<digest of service and key>`, services/common/keyed.py). See
eventlog/definitions.py; docs/events.md lists who reads what."""

from __future__ import annotations

from typing import Any

from eventlog.definitions import Catalogue, Event


class CommandRecorded(Event, category="command"):
    """A keyed command's outcome, stored with its events: a retry answers it again."""

    command: str  # the RPC method
    arguments: str  # a digest of its arguments: a key reused for others is refused
    id: str  # what the command answered: the id it created or changed
    stream_id: str  # the stream its events went to
    events: list[str]  # their ids


class CommandRefused(Event, category="command"):
    """A keyed command refused: a request with the key delivered later meets the same refusal."""

    command: str  # the RPC method
    arguments: str  # a digest of its arguments, as CommandRecorded's
    refusal: str  # the error's class, `module:name` (one of services/common/errors.EXPECTED)
    args: list[Any]  # what it was made with


EVENTS = Catalogue.of_module("every service (keyed commands)", globals())
