"""Schemas of the queries: each loads into the keyword arguments of one query function."""

from __future__ import annotations

from marshmallow import fields

from services.common.schemas import Id, Strict


class CycleQuery(Strict):
    actor_id, cycle_id = Id(required=True), Id(required=True)


class MemberCycleQuery(CycleQuery):
    member_id = Id(required=True)


class ArchiveQuery(Strict):
    actor_id, member_id = Id(required=True), Id(required=True)


class OpenStepsQuery(Strict):
    actor_id = Id(required=True)
    at = fields.AwareDateTime(required=True)
