"""Schemas of the queries: each loads into the keyword arguments of one query function."""

from __future__ import annotations

from marshmallow import fields

from services.common.schemas import Choice, Id, Strict

# Of a branch's cycles: open (not finalised yet) or finalised; none given, all of them.
CYCLE_STATUSES = ("open", "finalised")


class CycleQuery(Strict):
    actor_id, cycle_id = Id(required=True), Id(required=True)


class CyclesQuery(Strict):
    actor_id, branch_id = Id(required=True), Id(required=True)
    status = Choice(CYCLE_STATUSES, load_default=None, allow_none=True)


class MemberCycleQuery(CycleQuery):
    member_id = Id(required=True)


class ArchiveQuery(Strict):
    actor_id, member_id = Id(required=True), Id(required=True)


class OpenStepsQuery(Strict):
    actor_id = Id(required=True)
    at = fields.AwareDateTime(required=True)
