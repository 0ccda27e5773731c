"""Files attached to records: to an item (or one of its occurrences, as its evidence), a meeting
(its minutes, photos) or a filed report (its document). Pure.

The file itself is in the blob store, stored before the command is sent; the command names it
by its SHA-256, with the name its sender gave it, its type as its content tells it, and its size.
Attaching appends one event to the record's own stream (ItemFileAttached to `item-<id>`,
LifeFileAttached to `orglife-<branch>`): the record's history shows who attached what and when.
An attachment is never changed or removed, as nothing in the log is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eventlog import Event
from services.common import attachments as rules

from ..events import EVENTS, ItemFileAttached, LifeFileAttached, MeetingHeld, ReportFiled
from ..exceptions import BadInput, InvalidTransition, NotFound
from .items import Item

RECORDS = ("meeting", "report")  # what on organisational life's stream takes files


@dataclass(frozen=True, kw_only=True)
class AttachFile:
    """What every attaching command names: the stored file and a note on what it shows."""

    actor_id: str
    attachment_id: str
    sha256: str
    name: str
    media_type: str
    size: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class AttachItemFile(AttachFile):
    item_id: str
    period: str | None = None  # an occurrence's evidence; None: the item's


@dataclass(frozen=True, kw_only=True)
class AttachMeetingFile(AttachFile):
    branch_id: str
    meeting_id: str


@dataclass(frozen=True, kw_only=True)
class AttachReportFile(AttachFile):
    branch_id: str
    report_id: str


@dataclass(frozen=True)
class Attached:
    """What a stream says of attaching: its attachments, each (record, record id, attachment id)
    (an id is unique within its record: an item, a meeting, a report), and on organisational
    life's, the meetings (id → the group of a group meeting, else None) and reports it holds."""

    ids: frozenset[tuple[str, str, str]] = frozenset()
    meetings: Mapping[str, str | None] = field(default_factory=dict)
    reports: frozenset[str] = frozenset()


def evolve(state: Attached, event: Any) -> Attached:
    match EVENTS.read(event):
        case ItemFileAttached(attachment_id=id):
            return replace(state, ids=state.ids | {("item", "", id)})
        case LifeFileAttached(record=record, record_id=record_id, attachment_id=id):
            return replace(state, ids=state.ids | {(record, record_id, id)})
        case MeetingHeld(meeting_id=meeting, group_id=group):
            return replace(state, meetings={**state.meetings, meeting: group})
        case ReportFiled(report_id=report):
            return replace(state, reports=state.reports | {report})
    return state


def decide_item_file(item: Item, state: Attached, cmd: AttachItemFile, limit: int) -> list[Event]:
    _check(state, ("item", ""), cmd, limit)
    if cmd.period is not None and cmd.period not in item.occurrences:
        raise NotFound(f"item {cmd.item_id} has no occurrence {cmd.period}")
    return [ItemFileAttached.taking(cmd)]


def decide_meeting_file(state: Attached, cmd: AttachMeetingFile, limit: int) -> list[Event]:
    require_meeting(state, cmd.meeting_id)
    _check(state, ("meeting", cmd.meeting_id), cmd, limit)
    return [LifeFileAttached.taking(cmd, record="meeting", record_id=cmd.meeting_id)]


def decide_report_file(state: Attached, cmd: AttachReportFile, limit: int) -> list[Event]:
    if cmd.report_id not in state.reports:
        raise NotFound(f"report {cmd.report_id} is not filed in branch {cmd.branch_id}")
    _check(state, ("report", cmd.report_id), cmd, limit)
    return [LifeFileAttached.taking(cmd, record="report", record_id=cmd.report_id)]


def require_meeting(state: Attached, meeting_id: str) -> str | None:
    """The meeting's group (a group meeting's), or None; NotFound if it was never recorded."""
    if meeting_id not in state.meetings:
        raise NotFound(f"meeting {meeting_id} is not recorded")
    return state.meetings[meeting_id]


def _check(state: Attached, record: tuple[str, str], cmd: AttachFile, limit: int) -> None:
    if (*record, cmd.attachment_id) in state.ids:
        raise InvalidTransition(f"attachment {cmd.attachment_id} is already attached")
    refused = rules.refusal(cmd.media_type, cmd.size, limit)
    if refused:
        raise BadInput({"file": [refused]})
