"""What the aggregated views answer (the ledger computes every measure: its domain/measures.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .appraisal import Archive, Windows
from .notify import Reminder
from .responses import Bool, Entry, Float, Int, Many, Maybe, Str, StudyMonth


class Counts(Schema):
    """The ledger's one definition (services/ledger/domain/measures.py): due = not cancelled and
    due by today or done; overdue = not done and due before today; rate = done ÷ due;
    on_time_rate = done on time ÷ due."""

    occurrences, due, done, on_time, late, overdue = (Int() for _ in range(6))
    rate, on_time_rate = Maybe(Float), Maybe(Float)


class Cell(Counts):
    level, kind, cadence = Str(), Str(), Str()


class Completion(Counts):
    by_level_kind_cadence = Many(Cell)


class MeetingType(Schema):
    meeting_type = Str()
    due, held = Int(), Int()
    rate = Maybe(Float)


class BriefMeetings(Schema):
    due, held, due_but_not_held = Int(), Int(), Int()
    rate = Maybe(Float)


class Meetings(BriefMeetings):
    by_type = Many(MeetingType)


class Study(Schema):
    members, member_months, meeting_rule, shortfalls = Int(), Int(), Int(), Int()
    rate = Maybe(Float)


class GoalProgress(Schema):
    goal_id, title = Str(), Str()
    code = Maybe()
    standard = Bool()
    progress = Maybe(Float)


class BriefGoals(Schema):
    goals = Int()
    average_progress = Maybe(Float)


class Goals(BriefGoals):
    items = Many(GoalProgress)


class Overdue(Schema):
    total = Int()
    entries = Many(Entry)


class BriefSummary(Schema):
    """A branch's figures as the institution overview shows them: its dashboard has the detail
    (completion per level, kind and cadence; meetings per type; each goal's progress)."""

    branch_id, today = Str(), Str()
    year, overdue = Int(), Int()
    completion = fields.Nested(Counts)
    meetings = fields.Nested(BriefMeetings)
    study = fields.Nested(Study)
    goals = fields.Nested(BriefGoals)


class Summary(BriefSummary):
    completion = fields.Nested(Completion)
    meetings = fields.Nested(Meetings)
    goals = fields.Nested(Goals)


class StepProgress(Schema):
    """Counts only: never who wrote which peer review, nor who still owes one."""

    step, opens_at, closes_at = Str(), Str(), Str()
    open = Bool()
    expected, submitted, missing = Int(), Int(), Int()


class CycleProgress(Schema):
    cycle_id, kind, period, starts_on, ends_on = (Str() for _ in range(5))
    steps = Many(StepProgress)


class AppraisalStatus(Schema):
    open_cycles = Many(CycleProgress)


class Dashboard(Summary):
    overdue_list = fields.Nested(Overdue)
    appraisal = fields.Nested(AppraisalStatus)


class GroupMember(Schema):
    member_id, name = Str(), Str()
    completion, study = Maybe(Float), Maybe(Float)
    overdue = Int()


class GroupView(Schema):
    branch_id, group_id, name, today = Str(), Str(), Str(), Str()
    year = Int()
    completion = fields.Nested(Completion)
    overdue_list = fields.Nested(Overdue)
    meetings = fields.Nested(Meetings)
    study = fields.Nested(Study)
    members = Many(GroupMember)


class MemberStudy(Study):
    months = Many(StudyMonth)


class Owed(Schema):
    """What a member has not submitted yet in an open cycle of their branch."""

    cycle_id, kind, period = Str(), Str(), Str()
    windows = Windows
    self_review = Bool()
    peer_reviews = fields.List(Str(), metadata={"description": "reviewees not reviewed yet"})
    leader_reviews = fields.List(Str(), metadata={"description": "members owed commentary"})


class InboxSummary(Schema):
    unread = Int()
    latest = Many(Reminder)


THEMSELF = {"description": "null unless you are the member"}
ONLY_SOME = {"description": "null unless you are the member or run their branch"}


class MemberView(Schema):
    branch_id, member_id, today = Str(), Str(), Str()
    year = Int()
    completion = fields.Nested(Completion)
    items = Many(Entry)
    overdue = Many(Entry)
    study = fields.Nested(MemberStudy)
    measures = fields.Dict()
    archive = Maybe(fields.Nested, nested=Archive, metadata=ONLY_SOME)
    reviews_owed = Maybe(fields.List, cls_or_instance=fields.Nested(Owed), metadata=THEMSELF)
    inbox = Maybe(fields.Nested, nested=InboxSummary, metadata=THEMSELF)


class RankedBranch(BriefSummary):
    name = Str()
    score = Maybe(Float)
    ranks = fields.Dict(keys=Str(), values=Int())


class Overview(Schema):
    institution_id, name = Str(), Str()
    year = Int()
    branches = Many(RankedBranch)
