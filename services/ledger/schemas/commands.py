"""Schemas of the commands: each loads into the domain's command dataclass."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate, validates_schema

from services.common import periods
from services.common.attachments import MEDIA_TYPES
from services.common.roles import BRANCH_ROLES
from services.common.schemas import (
    ID_RULE,
    NOT_BLANK,
    YEAR,
    Choice,
    Command,
    Date,
    Id,
    Integer,
    NewId,
    Phone,
    Strict,
    Text,
    TimeZone,
    command_table,
    storable,
)

from ..domain import attachments, items, orglife, study
from ..domain import branch as b
from ..domain import goals as g
from ..domain import institution as o
from ..exceptions import BadInput

ACTOR = {"required": True}


class Person(Strict):
    person_id = Id(required=True)
    name = Text()

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> tuple[str, str]:
        return data["person_id"], data["name"]


class TemplateGoal(Strict):
    code = fields.Str(required=True, validate=[validate.Length(max=20), ID_RULE])
    title = Text()
    description = Text(required=False)


class RegisterInstitution(Command):
    command = o.RegisterInstitution
    actor_id = Id(**ACTOR)
    institution_id = NewId()
    name = Text()
    founders = fields.List(fields.Nested(Person), required=True, validate=validate.Length(min=1))
    timezone = TimeZone(load_default=o.DEFAULT_TIMEZONE)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> o.RegisterInstitution:
        return o.RegisterInstitution(**{**data, "founders": tuple(data["founders"])})


class AppointCommitteeMember(Command):
    command = o.AppointCommitteeMember
    actor_id, institution_id, person_id = Id(**ACTOR), Id(required=True), Id(required=True)
    name = Text()


class RemoveCommitteeMember(Command):
    command = o.RemoveCommitteeMember
    actor_id, institution_id, person_id = Id(**ACTOR), Id(required=True), Id(required=True)
    reason = Text()


class SetGoalTemplate(Command):
    command = o.SetGoalTemplate
    actor_id, institution_id = Id(**ACTOR), Id(required=True)
    year = Integer(required=True, validate=YEAR)
    goals = fields.List(
        fields.Nested(TemplateGoal),
        required=True,
        validate=validate.Length(equal=o.STANDARD_GOALS, error="exactly {equal} standard goals"),
    )


class RegisterBranch(Command):
    command = b.RegisterBranch
    actor_id, branch_id, institution_id = Id(**ACTOR), NewId(), Id(required=True)
    name = Text()


class FormGroup(Command):
    command = b.FormGroup
    actor_id, branch_id, group_id = Id(**ACTOR), Id(required=True), NewId()
    name = Text()


class AdmitMember(Command):
    command = b.AdmitMember
    actor_id, branch_id, member_id = Id(**ACTOR), Id(required=True), NewId()
    name = Text()
    group_id = Id(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    phone = Phone(load_default=None, allow_none=True)
    joined_on = Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "the day they joined (default today): no earlier month is theirs"},
    )


class MoveMember(Command):
    command = b.MoveMember
    actor_id, branch_id, member_id, group_id = (
        Id(**ACTOR),
        Id(required=True),
        Id(required=True),
        Id(required=True),
    )


class RemoveMember(Command):
    command = b.RemoveMember
    actor_id, branch_id, member_id = Id(**ACTOR), Id(required=True), Id(required=True)
    reason = Text()


class GrantRole(Command):
    command = b.GrantRole
    actor_id, branch_id, member_id = Id(**ACTOR), Id(required=True), Id(required=True)
    role = Choice(BRANCH_ROLES, required=True)
    group_id = Id(load_default=None, allow_none=True)


class RevokeRole(GrantRole):
    command = b.RevokeRole
    reason = Text()


class OpenGoalSet(Command):
    command = g.OpenGoalSet
    actor_id, branch_id = Id(**ACTOR), Id(required=True)
    year = Integer(required=True, validate=YEAR)


class AddGoal(OpenGoalSet):
    command = g.AddGoal
    goal_id = NewId()
    title = Text()
    description = Text(required=False)


class AssignResponsibility(OpenGoalSet):
    command = g.AssignResponsibility
    goal_id, primary, supervision, coordination = (
        Id(required=True),
        Id(required=True),
        Id(required=True),
        Id(required=True),
    )
    urging = fields.List(Id(), required=True, validate=validate.Length(min=1))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> g.AssignResponsibility:
        return g.AssignResponsibility(**{**data, "urging": tuple(data["urging"])})


class PlanItem(Command):
    command = items.PlanItem
    actor_id, branch_id, item_id = Id(**ACTOR), Id(required=True), NewId()
    level = Choice(items.LEVELS, required=True)
    kind = Choice(items.KINDS, required=True)
    cadence = Choice(
        periods.CADENCES,
        required=True,
        metadata={"description": "routine (日常): ongoing work, one occurrence a review period"},
    )
    review = Choice(
        periods.REVIEW_PERIODS,
        load_default=None,
        allow_none=True,
        metadata={"description": "a routine item's review period (default monthly)"},
    )
    title = Text()
    description = Text(required=False)
    goal_id, group_id, owner_id = (Id(load_default=None, allow_none=True) for _ in range(3))
    due_date, starts_on, ends_on = (Date(load_default=None, allow_none=True) for _ in range(3))
    due_day = Integer(load_default=None, allow_none=True, validate=validate.Range(1, 31))
    due_month = Integer(load_default=None, allow_none=True, validate=validate.Range(1, 12))

    @validates_schema
    def one_off_or_recurring(self, data: dict[str, Any], **_: Any) -> None:
        once = data["cadence"] == periods.ONCE
        wrong = ("due_day", "due_month", "starts_on", "ends_on") if once else ("due_date",)
        errors = {
            name: [f"not used with cadence {data['cadence']}"]
            for name in wrong
            if data.get(name) is not None
        }
        if data.get("due_month") is not None and data["cadence"] != "annual":
            errors["due_month"] = ["only annual items have a due_month"]
        if data.get("review") is not None and data["cadence"] != periods.ROUTINE:
            errors["review"] = ["only routine items have a review period"]
        if errors:
            raise BadInput(errors)


class Occurrence(Command):
    actor_id, item_id = Id(**ACTOR), Id(required=True)
    period = fields.Str(required=True, validate=ID_RULE)


class StartItem(Occurrence):
    command = items.StartItem


class WithEvidence(Occurrence):
    """An occurrence's command that may carry evidence links (at most 20)."""

    evidence = fields.List(fields.Url(), load_default=list, validate=validate.Length(max=20))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        return self.command(**{**data, "evidence": tuple(data["evidence"])})


class NoteProgress(WithEvidence):
    command = items.NoteProgress
    note = Text()


class CompleteOccurrence(WithEvidence):
    command = items.CompleteOccurrence
    note = Text(required=False)


class CancelItem(Command):
    command = items.CancelItem
    actor_id, item_id = Id(**ACTOR), Id(required=True)
    period = fields.Str(load_default=None, allow_none=True, validate=ID_RULE)
    reason = Text()


class ReopenItem(CancelItem):
    command = items.ReopenItem


class ReassignItem(Command):
    command = items.ReassignItem
    actor_id, item_id, owner_id = Id(**ACTOR), Id(required=True), Id(required=True)
    reason = Text(required=False)


class ChangeDueDate(Command):
    command = items.ChangeDueDate
    actor_id, item_id = Id(**ACTOR), Id(required=True)
    due_date = Date(load_default=None, allow_none=True)
    due_day = Integer(load_default=None, allow_none=True, validate=validate.Range(1, 31))
    reason = Text()


class RecordAccountability(Command):
    command = items.RecordAccountability
    actor_id, item_id = Id(**ACTOR), Id(required=True)
    period = fields.Str(required=True, validate=ID_RULE)
    action = Choice(items.ACTIONS, required=True)
    note = Text(required=False)
    taken_on = Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "the day the action was taken (default today)"},
    )


class SetMeetingRequirement(Command):
    command = orglife.SetMeetingRequirement
    actor_id, branch_id = Id(**ACTOR), Id(required=True)
    meeting_type = Choice(orglife.MEETING_TYPES, required=True)
    cadence = Choice(orglife.MEETING_CADENCES, required=True)
    per_group = fields.Bool(load_default=False)


class Lecturer(Strict):
    """A member of the branch by id, or a person from outside it by name: one of the two."""

    member_id = Id(load_default=None, allow_none=True)
    name = fields.Str(load_default=None, allow_none=True, validate=[NOT_BLANK, storable])

    @validates_schema
    def one_of_them(self, data: dict[str, Any], **_: Any) -> None:
        if (data["member_id"] is None) == (data["name"] is None):
            raise BadInput({"member_id": ["a member_id, or the name of someone from outside"]})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> orglife.Lecturer:
        return orglife.Lecturer(**data)


def Optional(**options: Any) -> fields.Str:
    """A short text that may be left out (None)."""
    return fields.Str(load_default=None, allow_none=True, validate=[NOT_BLANK, storable], **options)


class RecordMeeting(Command):
    command = orglife.RecordMeeting
    actor_id, branch_id, meeting_id = Id(**ACTOR), Id(required=True), NewId()
    meeting_type = Choice(orglife.MEETING_TYPES, required=True)
    held_on = Date(required=True)
    title = Text()
    minutes = Text(required=False)
    group_id = Id(load_default=None, allow_none=True)
    attendance = fields.Dict(keys=Id(), values=Choice(orglife.ATTENDANCE), load_default=dict)
    lecturer = fields.Nested(
        Lecturer,
        load_default=None,
        allow_none=True,
        metadata={"description": "a party lecture's lecturer (required there, and only there)"},
    )
    partner = Optional(metadata={"description": "a joint activity day's partner organisation"})
    place = Optional(metadata={"description": "where an activity day was held (a joint one's)"})


class FileReport(Command):
    command = orglife.FileReport
    actor_id, branch_id, report_id = Id(**ACTOR), Id(required=True), NewId()
    title = Text()
    kind = Choice(orglife.REPORT_KINDS, required=True)
    filed_on = Date(required=True)


class PostArticle(Command):
    command = study.PostArticle
    actor_id, branch_id, member_id, article_id = (
        Id(**ACTOR),
        Id(required=True),
        Id(required=True),
        NewId(),
    )
    title = Text()
    posted_on = Date(required=True)
    link = fields.Url(load_default=None, allow_none=True)
    text = Text(required=False)


class RecommendArticle(Command):
    command = study.RecommendArticle
    actor_id, member_id, article_id = Id(**ACTOR), Id(required=True), Id(required=True)
    note = Text(required=False)


SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="a SHA-256, 64 lowercase hex digits")


class AttachFile(Command):
    """A file stored in the blob store, named by its hash, as the gateway received it."""

    actor_id, attachment_id = Id(**ACTOR), NewId()
    sha256 = fields.Str(required=True, validate=SHA256)
    name = fields.Str(required=True, validate=[validate.Length(min=1, max=255), storable])
    media_type = Choice(MEDIA_TYPES, required=True)
    size = Integer(required=True, validate=validate.Range(min=1))
    note = Text(required=False)


class AttachItemFile(AttachFile):
    command = attachments.AttachItemFile
    item_id = Id(required=True)
    period = fields.Str(
        load_default=None,
        allow_none=True,
        validate=ID_RULE,
        metadata={"description": "the occurrence it is evidence for (none: the item's own)"},
    )


class AttachMeetingFile(AttachFile):
    command = attachments.AttachMeetingFile
    branch_id, meeting_id = Id(required=True), Id(required=True)


class AttachReportFile(AttachFile):
    command = attachments.AttachReportFile
    branch_id, report_id = Id(required=True), Id(required=True)


# Every command of the ledger, by its RPC name (services/common/rpc.py): the service's methods and
# the gateway's routes to it are made from this table.
COMMANDS = command_table(
    RegisterInstitution,
    AppointCommitteeMember,
    RemoveCommitteeMember,
    SetGoalTemplate,
    RegisterBranch,
    FormGroup,
    AdmitMember,
    MoveMember,
    RemoveMember,
    GrantRole,
    RevokeRole,
    OpenGoalSet,
    AddGoal,
    AssignResponsibility,
    PlanItem,
    StartItem,
    NoteProgress,
    CompleteOccurrence,
    CancelItem,
    ReopenItem,
    ReassignItem,
    ChangeDueDate,
    RecordAccountability,
    SetMeetingRequirement,
    RecordMeeting,
    FileReport,
    AttachItemFile,
    AttachMeetingFile,
    AttachReportFile,
    PostArticle,
    RecommendArticle,
)
