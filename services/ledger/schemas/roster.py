"""The roster import's schema: rows as read from a spreadsheet, every cell text (the domain
checks each cell and says in Chinese what is wrong with it)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from services.common import roster as rows
from services.common.schemas import Command, Id, Integer, Strict, storable

from ..domain import roster as r

MAX_ROWS = 5000


def Row() -> Integer:
    return Integer(required=True, validate=validate.Range(1, 1_048_576))  # an XLSX sheet's rows


def Cell() -> fields.Str:
    return fields.Str(load_default="", validate=[validate.Length(max=500), storable])


class UnitRow(Strict):
    row, branch, group = Row(), Cell(), Cell()

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> rows.UnitRow:
        return rows.UnitRow(**data)


class MemberRow(Strict):
    row, branch, group, name, login = Row(), Cell(), Cell(), Cell(), Cell()
    email, phone, roles = Cell(), Cell(), Cell()

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> rows.MemberRow:
        return rows.MemberRow(**data)


class ImportRoster(Command):
    command = r.ImportRoster
    actor_id, institution_id = Id(required=True), Id(required=True)
    units = fields.List(
        fields.Nested(UnitRow), load_default=list, validate=validate.Length(max=MAX_ROWS)
    )
    members = fields.List(
        fields.Nested(MemberRow), required=True, validate=validate.Length(max=MAX_ROWS)
    )
    dry_run = fields.Bool(load_default=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> r.ImportRoster:
        return r.ImportRoster(
            **{**data, "units": tuple(data["units"]), "members": tuple(data["members"])}
        )
