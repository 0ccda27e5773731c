"""The ledger's events: every type it appends, with its payload's fields, version and upcasters.

Other services read the ledger's streams through these definitions only (see eventlog/
definitions.py); docs/events.md lists who reads what. A field a type gains without a new version
has a default (the value old events read with); one that changes shape gets a new version and an
upcaster here. Payloads are JSON as stored: days are ISO text (IsoDate).
"""

from __future__ import annotations

from typing import Any, TypedDict

from eventlog.definitions import Catalogue, Event, IsoDate, omittable

# Institutions (`institution-<id>`): the committee and the 8-goal template ------------------


class TemplateGoal(TypedDict):
    code: str
    title: str
    description: str


class InstitutionRegistered(Event, category="institution"):
    institution_id: str
    name: str
    timezone: str  # IANA: the institution's days (due dates, months) are counted in it


class CommitteeMemberAppointed(Event, category="institution"):
    person_id: str
    name: str


class CommitteeMemberRemoved(Event, category="institution"):
    person_id: str
    reason: str


class GoalTemplateSet(Event, category="institution"):
    year: int
    goals: list[TemplateGoal]


# Branches (`branch-<id>`): groups, members, roles -------------------------------------------


class BranchRegistered(Event, category="branch"):
    branch_id: str
    institution_id: str
    name: str


class GroupFormed(Event, category="branch"):
    group_id: str
    name: str


class MemberJoined(Event, category="branch", schema_version=3):
    member_id: str
    name: str
    group_id: str | None
    email: str | None
    joined_on: IsoDate | None  # None: joined the day recorded (version 1)
    phone: str | None


@MemberJoined.upcaster(1)
def _joined_when_recorded(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no joined_on: the member joined the day the event was recorded, which
    only a reader knowing the institution's time zone can tell (None)."""
    return {**data, "joined_on": None}


@MemberJoined.upcaster(2)
def _joined_without_phone(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 had no phone: none was recorded."""
    return {**data, "phone": None}


class MemberMoved(Event, category="branch"):
    member_id: str
    group_id: str


class MemberLeft(Event, category="branch"):
    member_id: str
    reason: str


class RoleGranted(Event, category="branch"):
    member_id: str
    role: str  # services/common/roles.py BRANCH_ROLES
    group_id: str | None  # the group a group leader leads; None for the other roles


class RoleRevoked(Event, category="branch"):
    member_id: str
    role: str
    group_id: str | None
    reason: str


# Goal sets (`goals-<branch_id>.<year>`) -----------------------------------------------------


class StandardGoal(TypedDict):
    goal_id: str
    code: str
    title: str
    description: str
    standard: bool


class GoalSetOpened(Event, category="goals"):
    branch_id: str
    year: int
    goals: list[StandardGoal]  # the institution's template, copied when the set opens


class GoalAdded(Event, category="goals"):
    goal_id: str
    title: str
    description: str
    standard: bool  # False: one of the branch's own goals (the X)


class ResponsibilityAssigned(Event, category="goals"):
    goal_id: str
    primary: str
    supervision: str
    coordination: str
    urging: list[str]


# Items (`item-<id>`) ------------------------------------------------------------------------


class ItemPlanned(Event, category="item", schema_version=2):
    """The plan whole: each period of its cadence (services/common/periods.py) is one
    occurrence; a one-off item has one, `once`, and a routine item one per review period."""

    item_id: str
    branch_id: str
    level: str
    kind: str
    cadence: str
    review: str | None  # a routine item's review period (periods.REVIEW_PERIODS); else None
    title: str
    description: str
    goal_id: str | None
    group_id: str | None
    owner_id: str | None
    due_date: IsoDate | None  # one-off items
    due_day: int | None  # recurring items: the day of each period's last month
    due_month: int | None  # annual items: the month of due_day
    starts_on: IsoDate | None  # recurring items: the periods from starts_on to ends_on
    ends_on: IsoDate | None
    source: dict[str, Any] | None  # what planned it: {cycle_id, raised_by} for a rectification


@ItemPlanned.upcaster(1)
def _planned_without_review(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no routine items, so no review period. Its daily items stay daily: their
    occurrences are days, and every event about one names its day; folding them into monthly
    reviews would change what was recorded (a day cancelled would cancel a month)."""
    return {**data, "review": None}


class ItemStarted(Event, category="item"):
    period: str


class ProgressNoted(Event, category="item"):
    period: str
    note: str
    evidence: list[str]  # links


class ItemCompleted(Event, category="item", schema_version=2):
    period: str
    note: str
    evidence: list[str]  # links to what shows it done (a report, minutes, photos)


@ItemCompleted.upcaster(1)
def _completed_without_evidence(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 carried no evidence (links came with progress notes only)."""
    return {**data, "evidence": []}


class ItemCancelled(Event, category="item"):
    period: str | None  # None: the whole item
    reason: str


class ItemReopened(Event, category="item"):
    period: str | None  # None: a cancelled item as a whole
    reason: str


class ItemReassigned(Event, category="item", schema_version=2):
    owner_id: str
    reason: str


@ItemReassigned.upcaster(1)
def _reassigned_without_reason(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no reason: none was given."""
    return {**data, "reason": ""}


class DueDateChanged(Event, category="item"):
    """A one-off item's new due date, or a recurring item's new due day: the payload holds the
    one that changed (the other is absent)."""

    due_date: IsoDate | None = omittable()
    due_day: int | None = omittable()
    reason: str


class AccountabilityRecorded(Event, category="item"):
    """What was done about an overdue occurrence (domain/items.py, decide_accountability)."""

    period: str
    action: str  # one of domain/items.ACTIONS
    note: str
    taken_on: IsoDate


class ItemFileAttached(Event, category="item"):
    """A file attached to the item, or to one occurrence as its evidence (domain/attachments.py).
    The bytes are in the blob store under `sha256`; who attached it and when are the event's
    actor and time."""

    attachment_id: str
    period: str | None  # the occurrence it is evidence for; None: the item's own
    sha256: str  # hex: the blob store's key
    name: str  # the file's name as its sender gave it
    media_type: str  # as its content tells it (services/common/attachments.py)
    size: int  # bytes
    note: str  # what it shows


# Organisational life (`orglife-<branch_id>`) ------------------------------------------------


class MeetingRequirementSet(Event, category="orglife"):
    meeting_type: str
    cadence: str
    per_group: bool


class Lecturer(TypedDict):
    """A party lecture's lecturer: a member of the branch, or someone else by name."""

    member_id: str | None
    name: str | None


class MeetingHeld(Event, category="orglife", schema_version=2):
    meeting_id: str
    meeting_type: str
    held_on: IsoDate
    group_id: str | None
    title: str
    minutes: str
    attendance: dict[str, str]  # member id → present, on_leave or absent
    lecturer: Lecturer | None  # a party lecture's
    partner: str | None  # a joint activity day's partner organisation
    place: str | None  # where an activity day was held


@MeetingHeld.upcaster(1)
def _held_without_particulars(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named no lecturer, partner or place: none was recorded."""
    return {**data, "lecturer": None, "partner": None, "place": None}


class ReportFiled(Event, category="orglife"):
    report_id: str
    title: str
    kind: str
    filed_on: IsoDate


class LifeFileAttached(Event, category="orglife"):
    """A file attached to a meeting (its minutes, photos) or a filed report (its document), as
    ItemFileAttached is to an item."""

    attachment_id: str
    record: str  # "meeting" or "report"
    record_id: str  # the meeting's or the report's id
    sha256: str
    name: str
    media_type: str
    size: int
    note: str


# Study logs (`study-<member_id>`) -----------------------------------------------------------


class ArticlePosted(Event, category="study"):
    article_id: str
    branch_id: str
    member_id: str
    title: str
    link: str | None
    text: str
    posted_on: IsoDate
    month: str  # YYYY-MM: the month the 1–5 rule counts it in


class ArticleRecommended(Event, category="study"):
    article_id: str
    recommended_by: str
    note: str


EVENTS = Catalogue.of_module("ledger", globals())
