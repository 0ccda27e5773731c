"""The one event every service appends alike: the record of a keyed command
(`command-<digest of service and key>`, services/common/keyed.py). See eventlog/definitions.py;
docs/events.md lists who reads what."""

from __future__ import annotations

from eventlog.definitions import Catalogue, Event


class CommandRecorded(Event, category="command"):
    """A keyed command's outcome, stored with its events: a retry answers it again."""

    command: str  # the RPC method
    arguments: str  # a digest of its arguments: a key reused for others is refused
    id: str  # what the command answered: the id it created or changed
    stream_id: str  # the stream its events went to
    events: list[str]  # their ids


EVENTS = Catalogue.of_module("every service (keyed commands)", globals())
