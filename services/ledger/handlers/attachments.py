"""Handlers for attaching files: who may attach to the record, whether the file the command names
is stored, then the record's stream appended at the version it was read at.

An event never names a file the blob store lacks: the command is refused unless the blob is
there (the gateway stores it first). Whoever may work on a record may attach to it: an item's
owner and its managers; a group meeting's leader and who runs the branch for a meeting; who runs
the branch for a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from eventlog.blobs import BlobStore
from services.common.handlers import EventStore, Outcome

from ..domain import attachments as a
from ..domain import items, orglife
from ..domain.permissions import require_admin, require_group_leader, require_manager
from ..exceptions import BadInput
from .common import commit_as, scope_of


@dataclass(frozen=True)
class Attaching:
    """What attaching works with: the log, the blob store, and the size limit in bytes."""

    store: EventStore
    blobs: BlobStore
    limit: int


def attach_item_file(cmd: a.AttachItemFile, ctx: Attaching, now: datetime) -> Outcome:
    stream = f"item-{cmd.item_id}"
    events = ctx.store.read_stream(stream)
    item = reduce(items.evolve, events, items.Item())
    items.require_item(item, cmd.item_id)
    scope = scope_of(ctx.store, item.plan["branch_id"], cmd.actor_id)
    if item.plan["owner_id"] != cmd.actor_id:
        require_manager(scope.who, item.plan["level"], item.plan["group_id"], owner_may=True)
    decided = a.decide_item_file(item, _attached(events), cmd, ctx.limit)
    return _commit(ctx, cmd, stream, decided, events, scope.branch.branch_id, now)


def attach_meeting_file(cmd: a.AttachMeetingFile, ctx: Attaching, now: datetime) -> Outcome:
    scope = scope_of(ctx.store, cmd.branch_id, cmd.actor_id)
    stream = orglife.stream_id(cmd.branch_id)
    events = ctx.store.read_stream(stream)
    state = _attached(events)
    group_id = a.require_meeting(state, cmd.meeting_id)
    if group_id is None:
        require_admin(scope.who)
    else:
        require_group_leader(scope.who, group_id)
    decided = a.decide_meeting_file(state, cmd, ctx.limit)
    return _commit(ctx, cmd, stream, decided, events, cmd.branch_id, now)


def attach_report_file(cmd: a.AttachReportFile, ctx: Attaching, now: datetime) -> Outcome:
    require_admin(scope_of(ctx.store, cmd.branch_id, cmd.actor_id).who)
    stream = orglife.stream_id(cmd.branch_id)
    events = ctx.store.read_stream(stream)
    decided = a.decide_report_file(_attached(events), cmd, ctx.limit)
    return _commit(ctx, cmd, stream, decided, events, cmd.branch_id, now)


def _attached(events: list[Any]) -> a.Attached:
    return reduce(a.evolve, events, a.Attached())


def _commit(ctx: Attaching, cmd, stream: str, decided, events, branch_id: str, now) -> Outcome:
    if not ctx.blobs.exists(cmd.sha256):
        raise BadInput({"file": [f"no file is stored under {cmd.sha256}: store it first"]})
    version = events[-1].version if events else 0
    return commit_as(
        cmd, ctx.store, stream, decided, version, now, id=cmd.attachment_id, branch_id=branch_id
    )
