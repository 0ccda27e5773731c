"""Schemas of the queries: each loads into the keyword arguments of one query function."""

from __future__ import annotations

from marshmallow import fields, validate

from services.common.schemas import Choice, Id, Integer, Offset, Strict

STATUSES = ("pending", "delivered", "failed")


class Page(Strict):
    limit = Integer(load_default=50, validate=validate.Range(1, 500))
    offset = Offset()


class InboxQuery(Page):
    actor_id = Id(required=True)
    unread_only = fields.Bool(load_default=False)


class DeliveriesQuery(Page):
    actor_id, branch_id = Id(required=True), Id(required=True)
    status = Choice(STATUSES, load_default=None, allow_none=True)


class ActorOnly(Strict):
    actor_id = Id(required=True)


class BranchQuery(Strict):
    actor_id, branch_id = Id(required=True), Id(required=True)


class MemberQuery(Strict):
    actor_id, member_id = Id(required=True), Id(required=True)
