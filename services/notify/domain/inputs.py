"""What the rules look at for one branch, gathered by the scan before any rule runs. Pure data.

Rows from the ledger and the appraisal service are kept as the JSON they answered with; only the
fields the rules read are named in `rules` and its siblings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.common.periods import local_date

from .preferences import Thresholds

Row = Mapping[str, Any]


@dataclass(frozen=True)
class People:
    """Who holds which responsibility in the branch, as the ledger's events told us."""

    secretaries: tuple[str, ...] = ()
    urging: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # goal id → holders
    supervision: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # goal id → holders
    # By role, for items of no goal (or of a goal with no holders assigned yet):
    committee_members: tuple[str, ...] = ()
    group_leaders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # group id → ids
    officers: tuple[str, ...] = ()  # full-time officers: supervision by role
    names: Mapping[str, str] = field(default_factory=dict)  # member id → name
    groups: Mapping[str, str] = field(default_factory=dict)  # group id → name

    def name_of(self, person_id: str) -> str:
        """How a reminder names someone: by name (by id only if the name is not known yet)."""
        return self.names.get(person_id) or person_id

    def group_name(self, group_id: str) -> str:
        """A group by name (by id only if the name is not known yet)."""
        return self.groups.get(group_id) or group_id

    def urging_for(self, goal_id: str | None, group_id: str | None) -> tuple[str, ...]:
        """The goal's urging holders; else the item's group leaders and the committee members."""
        if goal_id and self.urging.get(goal_id):
            return self.urging[goal_id]
        by_role = (*self.group_leaders.get(group_id or "", ()), *self.committee_members)
        return tuple(dict.fromkeys(by_role))

    def supervision_for(self, goal_id: str | None) -> tuple[str, ...]:
        if goal_id and self.supervision.get(goal_id):
            return self.supervision[goal_id]
        return self.officers


@dataclass(frozen=True)
class BranchInputs:
    branch_id: str
    timezone: str
    thresholds: Thresholds
    people: People
    entries: tuple[Row, ...] = ()  # unfinished ledger occurrences due by the due-soon horizon
    study: tuple[Row, ...] = ()  # study_log members (only near a month's end)
    slots: tuple[Row, ...] = ()  # org_life meeting slots (only near a period's end)
    steps: tuple[Row, ...] = ()  # the branch's open appraisal steps
    name: str = ""  # the branch's, as reminders name it

    @property
    def branch_name(self) -> str:
        return self.name or self.branch_id

    def today(self, now: datetime) -> date:
        """Rules count days in the institution's time zone, never the server's."""
        return local_date(now, self.timezone)
