"""Keeping the reach read model as fresh as a request needs it.

The bus and the sweep bring it every change within moments; a request must not depend on those
moments where it can tell. Two places:
- after a command through this gateway that changed who may do what (a member admitted, moved
  or removed, a role granted or revoked, a committee changed, an item reassigned, a cycle
  opened), its stream (which the service's answer names) is applied before the answer: the
  caller's next request is authorised by it, as the ledger's next query already answers with it.
  Not after an item planned, the commonest command by far: nothing is taken from anyone by it,
  and a request naming the new item before the bus has brought it finds it as below;
- before a request is refused (404 or 403), once: the path may name what was written a moment
  ago by the CLI, another gateway, or a service. The streams the path names are applied, and the
  rest of the log as far as it can be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.ledger.events import ItemPlanned

from .projection import HANDLERS

# The events after which a command's stream is applied before its answer (see above).
APPLIED_AT_ONCE = {event.type for event in HANDLERS} - {ItemPlanned.type}
# Path parameter → the stream its id names.
STREAMS = {
    "item_id": "item-{}",
    "branch_id": "branch-{}",
    "institution_id": "institution-{}",
    "cycle_id": "cycle-{}",
}


def after_command(service: Any, answer: Mapping[str, Any]) -> None:
    """Applies the stream a command wrote, if its events are any the read model handles."""
    if answer.get("stream_id") and APPLIED_AT_ONCE & set(answer["events"]):
        service.reach.catch_up_stream(answer["stream_id"])


def catch_up(service: Any, path: Mapping[str, Any]) -> None:
    """Applies what the log holds of the streams the path names, and what it can read of the
    rest (other streams' newest events may be out of its reach for a moment: see
    ProjectionRunner.catch_up_stream)."""
    service.reach.catch_up()
    for name, stream in STREAMS.items():
        if path.get(name) is not None:
            service.reach.catch_up_stream(stream.format(path[name]))
