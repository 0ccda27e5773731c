"""Organisational life (`orglife-<branch_id>`): meeting requirements, meetings held, reports. Pure.

Whether a required meeting is "due but not held" is never stored: `calendar` computes it per
period (and per group for per-group meetings) from the meetings held and a clock.

A party lecture (党课) names its lecturer: a member of the branch, or a person from outside it
by name (the institution's leader in charge, say). An activity day may be held jointly with
another organisation (联建: a court the branch keeps in touch with, a research institute's
branch): it then names that partner and where it was held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from eventlog import Event
from services.common import periods

from ..events import EVENTS, MeetingHeld, MeetingRequirementSet, ReportFiled
from ..exceptions import BadInput, InvalidTransition, NotFound
from .branch import Branch

MEETING_TYPES = (
    "branch_general_meeting",
    "committee_meeting",
    "group_meeting",
    "party_lecture",
    "activity_day",
)
MEETING_CADENCES = ("annual", "half_year", "quarterly", "monthly")
ATTENDANCE = ("present", "on_leave", "absent")
REPORT_KINDS = ("minutes", "work_report", "special_report", "summary", "other")


@dataclass(frozen=True)
class Requirement:
    cadence: str
    per_group: bool


# The rhythm of 三会一课 and the activity day, until a branch sets its own: the general meeting
# each quarter, the committee and every group monthly, a party lecture each quarter, and one
# activity day a month.
DEFAULT_REQUIREMENTS = {
    "branch_general_meeting": Requirement("quarterly", False),
    "committee_meeting": Requirement("monthly", False),
    "group_meeting": Requirement("monthly", True),
    "party_lecture": Requirement("quarterly", False),
    "activity_day": Requirement("monthly", False),
}


def stream_id(branch_id: str) -> str:
    return f"orglife-{branch_id}"


@dataclass(frozen=True)
class OrgLife:
    requirements: Mapping[str, Requirement] = field(default_factory=lambda: DEFAULT_REQUIREMENTS)
    meeting_ids: frozenset[str] = frozenset()
    report_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SetMeetingRequirement:
    actor_id: str
    branch_id: str
    meeting_type: str
    cadence: str
    per_group: bool = False


@dataclass(frozen=True)
class Lecturer:
    """Who gave a party lecture: a member of the branch (`member_id`) or someone else (`name`)."""

    member_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class RecordMeeting:
    actor_id: str
    branch_id: str
    meeting_id: str
    meeting_type: str
    held_on: date
    title: str
    minutes: str = ""
    group_id: str | None = None
    attendance: Mapping[str, str] = field(default_factory=dict)  # member id → ATTENDANCE
    lecturer: Lecturer | None = None  # a party lecture's, required there
    partner: str | None = None  # a joint activity day's partner organisation
    place: str | None = None  # where an activity day was held (a joint one's is required)


@dataclass(frozen=True)
class FileReport:
    actor_id: str
    branch_id: str
    report_id: str
    title: str
    kind: str
    filed_on: date


def evolve(state: OrgLife, event: object) -> OrgLife:
    match EVENTS.read(event):
        case MeetingRequirementSet(meeting_type=meeting_type, cadence=cadence, per_group=per_group):
            needed = Requirement(cadence, per_group)
            return replace(state, requirements={**state.requirements, meeting_type: needed})
        case MeetingHeld(meeting_id=meeting_id):
            return replace(state, meeting_ids=state.meeting_ids | {meeting_id})
        case ReportFiled(report_id=report_id):
            return replace(state, report_ids=state.report_ids | {report_id})
    return state


def decide_requirement(state: OrgLife, cmd: SetMeetingRequirement) -> list[Event]:
    return [MeetingRequirementSet.taking(cmd)]


def decide_meeting(state: OrgLife, cmd: RecordMeeting, branch: Branch) -> list[Event]:
    if cmd.meeting_id in state.meeting_ids:
        raise InvalidTransition(f"meeting {cmd.meeting_id} is already recorded")
    per_group = state.requirements[cmd.meeting_type].per_group
    if per_group != (cmd.group_id is not None):
        raise BadInput({"group_id": [f"needed exactly for per-group meetings ({per_group=})"]})
    if cmd.group_id is not None and cmd.group_id not in branch.groups:
        raise NotFound(f"group {cmd.group_id} does not exist in branch {cmd.branch_id}")
    strangers = sorted(set(cmd.attendance) - set(branch.members))
    if strangers:
        raise BadInput({"attendance": [f"not members of the branch: {', '.join(strangers)}"]})
    _check_particulars(cmd, branch)
    lecturer = vars(cmd.lecturer) if cmd.lecturer else None
    return [MeetingHeld.taking(cmd, lecturer=lecturer)]


def _check_particulars(cmd: RecordMeeting, branch: Branch) -> None:
    """A party lecture's lecturer, and an activity day's partner and place, on those alone."""
    errors: dict[str, list[str]] = {}
    lecture, activity = cmd.meeting_type == "party_lecture", cmd.meeting_type == "activity_day"
    if lecture and cmd.lecturer is None:
        errors["lecturer"] = ["a party lecture names its lecturer"]
    elif not lecture and cmd.lecturer is not None:
        errors["lecturer"] = ["only a party lecture has a lecturer"]
    elif lecture and cmd.lecturer.member_id not in (None, *branch.members):
        errors["lecturer"] = [f"not a member of the branch: {cmd.lecturer.member_id}"]
    for name in ("partner", "place"):
        if not activity and getattr(cmd, name) is not None:
            errors[name] = ["only an activity day has one"]
    if activity and cmd.partner is not None and cmd.place is None:
        errors["place"] = ["a joint activity day names where it was held"]
    if errors:
        raise BadInput(errors)


def decide_report(state: OrgLife, cmd: FileReport) -> list[Event]:
    if cmd.report_id in state.report_ids:
        raise InvalidTransition(f"report {cmd.report_id} is already filed")
    return [ReportFiled.taking(cmd)]


def calendar(
    requirements: Mapping[str, Requirement],
    held: Iterable[tuple[str, date, str | None]],  # (meeting type, held on, group id)
    group_ids: Iterable[str],
    year: int,
    today: date,
) -> list[dict[str, Any]]:
    """Per required meeting, period (and group): how many were held and whether one is missing."""
    counts: dict[tuple[str, str, str | None], int] = {}
    for meeting_type, held_on, group_id in held:
        needed = requirements.get(meeting_type)
        if needed is not None and held_on.year == year:
            key = (meeting_type, periods.period_key(needed.cadence, held_on), group_id)
            counts[key] = counts.get(key, 0) + 1
    groups = sorted(group_ids)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    return [
        _slot(meeting_type, period, group, counts.get((meeting_type, period, group), 0), today)
        for meeting_type, needed in sorted(requirements.items())
        for period in periods.periods(needed.cadence, year_start, year_end)
        for group in (groups if needed.per_group else [None])
    ]


def _slot(meeting_type: str, period: str, group: str | None, held: int, today: date) -> dict:
    starts, ends = periods.period_bounds(period)
    if held:
        status = "held"
    elif ends < today:
        status = "not_held"
    else:
        status = "open" if starts <= today else "upcoming"
    return {
        "meeting_type": meeting_type,
        "period": period,
        "group_id": group,
        "held": held,
        "status": status,
        "due_but_not_held": status == "not_held",
    }
