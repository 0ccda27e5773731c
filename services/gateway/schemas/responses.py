"""What the gateway answers with: every response is dumped through one of these schemas.

Dates and times arrive from the services as ISO strings and are kept as strings. A field that a
service may leave empty allows null, so the OpenAPI description says so too.
"""

from __future__ import annotations

from marshmallow import Schema, fields

Str, Int, Bool, Float = fields.Str, fields.Int, fields.Bool, fields.Float


def Maybe(field: type[fields.Field] = fields.Str, **options) -> fields.Field:
    return field(allow_none=True, **options)


def Many(schema: type[Schema] | Schema) -> fields.List:
    return fields.List(fields.Nested(schema))


class Error(Schema):
    code = Str(required=True, metadata={"description": "stable, machine-readable, English"})
    message = Str(
        required=True,
        metadata={"description": "what the code means, in Chinese, for the person to read"},
    )
    fields_ = fields.Dict(
        keys=Str(),
        required=True,
        data_key="fields",
        attribute="fields",
        metadata={"description": "field or header, as the request named it → errors (may nest)"},
    )


class CommandResult(Schema):
    id = Str(required=True)
    version = Int(required=True)
    events = fields.List(Str(), required=True)


class Role(Schema):
    role = Str(required=True)
    group_id = Maybe()


class Membership(Schema):
    branch_id, institution_id, name = Str(), Str(), Str()
    group_id = Maybe()
    roles = Many(Role)


class Me(Schema):
    person_id = Str(required=True)
    username = Str(required=True)
    admin = Bool(required=True)
    institution_committee = fields.List(Str())
    branches = Many(Membership)


class Token(Schema):
    access_token = Str(required=True)
    token_type = Str(required=True)
    expires_in = Int(required=True)
    expires_at = Str(required=True)


class User(Schema):
    username, person_id = Str(required=True), Str(required=True)
    admin = Bool(required=True)
    registered_at = Str()
    locked_until, last_login_at = Maybe(), Maybe()


class Users(Schema):
    users = Many(User)


class Institution(Schema):
    institution_id, name, timezone = Str(), Str(), Str()
    committee = fields.List(fields.Dict())
    branches = fields.List(fields.Dict())
    goal_templates = fields.List(fields.Dict())


class Member(Schema):
    member_id, name = Str(), Str()
    group_id, email = Maybe(), Maybe()
    roles = Many(Role)


class Group(Schema):
    group_id, name = Str(), Str()
    members = fields.List(Str())


class FormerMember(Schema):
    member_id, name = Str(), Str()


class Branch(Schema):
    branch_id, institution_id, name, timezone = Str(), Str(), Str(), Str()
    groups = Many(Group)
    members = Many(Member)
    former_members = Many(FormerMember)  # who left: named where they acted (items, reviews)


class Goal(Schema):
    goal_id, title, description = Str(), Str(), Str()
    code = Maybe()
    standard = Bool()
    responsibility = Maybe(fields.Dict)
    items, occurrences, done, due_so_far, overdue = Int(), Int(), Int(), Int(), Int()
    progress = Maybe(Float)


class GoalSet(Schema):
    branch_id, today = Str(), Str()
    year = Int()
    goals = Many(Goal)


class ActionTaken(Schema):
    """What was done about an overdue occurrence (accountability), by whom, on which day."""

    action, note, taken_on, by = Str(), Str(), Str(), Str()


class Entry(Schema):
    """One occurrence of a ledger item."""

    item_id, branch_id, level, kind, cadence, title = Str(), Str(), Str(), Str(), Str(), Str()
    review = Maybe(metadata={"description": "a routine item's review period"})
    goal_id, group_id, owner_id = Maybe(), Maybe(), Maybe()
    period, due_date, status = Str(), Str(), Str()
    started_at, completed_at, completed_on = Maybe(), Maybe(), Maybe()
    outcome_note, cancel_reason, last_note = Maybe(), Maybe(), Maybe()
    notes = Int()
    evidence = fields.List(Str())
    overdue, on_time = Maybe(Bool), Maybe(Bool)
    actions = Int(metadata={"description": "how many accountability actions were recorded"})
    last_action = fields.Nested(ActionTaken, allow_none=True)


class Page(Schema):
    total, limit, offset = Int(required=True), Int(required=True), Int(required=True)
    today = Str()
    as_of = Maybe()
    entries = Many(Entry)


class Attachment(Schema):
    """A file attached to a record; its bytes at the record's …/attachments/{attachment_id}."""

    attachment_id, sha256, name, media_type, note, attached_at = (Str() for _ in range(6))
    size = Int()
    period = Maybe(metadata={"description": "the occurrence it is evidence for (an item's)"})
    attached_by = Maybe()


class Item(Entry):
    description = Str()
    due_date = Maybe()
    due_day, due_month = Maybe(Int), Maybe(Int)
    starts_on, ends_on, planned_at, planned_by, updated_at = (Maybe() for _ in range(5))
    source = Maybe(fields.Dict)
    cancelled = Bool()
    version = Int()
    occurrences = Many(Entry)
    attachments = Many(Attachment)


class HistoryEvent(Schema):
    version = Int()
    type = Str()
    data = fields.Dict()
    actor_id = Maybe()
    occurred_at, recorded_at = Str(), Str()


class ItemHistory(Schema):
    item_id = Str()
    events = Many(HistoryEvent)


class Slot(Schema):
    meeting_type, period, status = Str(), Str(), Str()
    group_id = Maybe()
    held = Int()
    due_but_not_held = Bool()


class MeetingLecturer(Schema):
    """A member of the branch (`member_id`), or someone from outside it (`name`)."""

    member_id, name = Maybe(), Maybe()


class Particulars(Schema):
    """What a meeting of its type names: a party lecture's lecturer, an activity day's partner
    organisation and place (null for any other, and where none was recorded)."""

    lecturer = fields.Nested(MeetingLecturer, allow_none=True)
    partner, place = Maybe(), Maybe()


class MeetingRow(Particulars):
    meeting_id, meeting_type, held_on, title = Str(), Str(), Str(), Str()
    group_id, recorded_by = Maybe(), Maybe()
    present, on_leave, absent = Int(), Int(), Int()


class ReportRow(Schema):
    report_id, title, kind, filed_on = Str(), Str(), Str(), Str()
    attachments = Many(Attachment)


class OrgLife(Schema):
    branch_id, today = Str(), Str()
    year, due_but_not_held = Int(), Int()
    requirements = fields.Dict(keys=Str(), values=fields.Dict())
    slots = Many(Slot)
    meetings = Many(MeetingRow)
    reports = Many(ReportRow)


class Meeting(Particulars):
    branch_id, meeting_id, meeting_type, held_on, title, minutes = (Str() for _ in range(6))
    group_id, recorded_by = Maybe(), Maybe()
    attendance = fields.Dict(keys=Str(), values=Str())
    attachments = Many(Attachment)


class ReportYear(Schema):
    year, count = Int(), Int()
    by_kind = fields.Dict(keys=Str(), values=Int())


class Reports(Schema):
    branch_id = Str()
    years = Many(ReportYear)


class StudyMonth(Schema):
    month = Str()
    count = Int()
    finished, meets_rule, shortfall = Bool(), Bool(), Bool()
    beyond_norm = Bool(metadata={"description": "more than five articles: recorded, still met"})


class StudyMember(Schema):
    member_id, name = Str(), Str()
    shortfalls = Int()
    months = Many(StudyMonth)


class StudyLog(Schema):
    branch_id, today = Str(), Str()
    year = Int()
    members = Many(StudyMember)


class Article(Schema):
    article_id, title, posted_on = Str(), Str(), Str()
    link, recommended_by, recommended_note = Maybe(), Maybe(), Maybe()


class Articles(Schema):
    member_id, month = Str(), Str()
    articles = Many(Article)


class Measures(Schema):
    branch_id, member_id, start, end, today = (Str() for _ in range(5))
    ledger = fields.Dict()
    study = fields.Dict()
    attendance = fields.Dict()


class Check(Schema):
    status = Str(required=True)
    checks = fields.Dict(keys=Str(), values=Str())
