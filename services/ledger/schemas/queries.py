"""Schemas of the queries: each loads into the keyword arguments of one query function."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate, validates_schema

from services.common import periods
from services.common.roles import STATUSES
from services.common.schemas import ID_RULE, YEAR, Choice, Date, Id, Integer, Offset, Strict

from ..domain import items
from ..exceptions import BadInput

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="a month as YYYY-MM")
MAX_MEMBERS = 1000


class InstitutionQuery(Strict):
    institution_id = Id(required=True)


class MemberRolesQuery(Strict):
    person_id = Id(required=True)


class BranchQuery(Strict):
    actor_id, branch_id = Id(required=True), Id(required=True)


class BranchScan(Strict):
    branch_id = Id(required=True)
    due_to = Date(required=True)
    study_year, slots_year = (
        Integer(load_default=None, allow_none=True, validate=YEAR) for _ in range(2)
    )


class ScanInputsQuery(Strict):
    actor_id = Id(required=True)
    branches = fields.List(fields.Nested(BranchScan), required=True)


class ItemQuery(Strict):
    actor_id, item_id = Id(required=True), Id(required=True)


class AttachmentQuery(Strict):
    """One attached file: an item's by its id; a meeting's or report's within its branch."""

    actor_id = Id(required=True)
    record = Choice(("item", "meeting", "report"), required=True)
    record_id, attachment_id = Id(required=True), Id(required=True)
    branch_id = Id(load_default=None, allow_none=True)  # a meeting's or report's branch


class YearQuery(BranchQuery):
    year = Integer(required=True, validate=YEAR)


class BranchMeasuresQuery(YearQuery):
    group_id, owner_id = (Id(load_default=None, allow_none=True) for _ in range(2))


class BranchSummaryQuery(YearQuery):
    group_id = Id(load_default=None, allow_none=True)


class InstitutionYearQuery(InstitutionQuery):
    actor_id = Id(required=True)
    year = Integer(required=True, validate=YEAR)


class StudyLogQuery(YearQuery):
    member_id = Id(load_default=None, allow_none=True)


class ArticlesQuery(BranchQuery):
    member_id = Id(required=True)
    month = fields.Str(required=True, validate=MONTH)


class MeetingQuery(BranchQuery):
    meeting_id = Id(required=True)


class EntriesQuery(BranchQuery):
    level = Choice(items.LEVELS, load_default=None, allow_none=True)
    kind = Choice(items.KINDS, load_default=None, allow_none=True)
    cadence = Choice(  # daily: items planned before routine replaced it
        (*periods.CADENCES, *periods.RETIRED_CADENCES), load_default=None, allow_none=True
    )
    status = Choice(STATUSES, load_default=None, allow_none=True)
    owner_id, group_id, goal_id = (Id(load_default=None, allow_none=True) for _ in range(3))
    period = fields.Str(load_default=None, allow_none=True, validate=ID_RULE)
    overdue = fields.Bool(load_default=None, allow_none=True)
    due_from, due_to = (Date(load_default=None, allow_none=True) for _ in range(2))
    limit = Integer(load_default=50, validate=validate.Range(1, 500))
    offset = Offset()


class AsOfQuery(BranchQuery):
    as_of = Date(required=True)
    group_id = Id(load_default=None, allow_none=True)
    owner_id = Id(load_default=None, allow_none=True)


class WindowQuery(BranchQuery):
    start, end = Date(required=True), Date(required=True)

    @validates_schema
    def ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["start"] > data["end"]:
            raise BadInput({"end": ["end is before start"]})


class MeasuresQuery(WindowQuery):
    member_id = Id(required=True)


class MembersMeasuresQuery(WindowQuery):
    # A branch's whole roster in one call; bounded so that one answer stays a few hundred KB.
    member_ids = fields.List(Id(), required=True, validate=validate.Length(1, MAX_MEMBERS))
