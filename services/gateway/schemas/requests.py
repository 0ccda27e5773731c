"""Request schemas of the gateway's own endpoints: signing in, users, views and exports."""

from __future__ import annotations

from marshmallow import fields, validate

from eventlog import utcnow
from services.common.schemas import ID_RULE, YEAR, Date, Id, Integer, Strict
from services.ledger.schemas import queries as ledger_queries

PASSWORD = validate.Length(min=8, max=200)


class TokenRequest(Strict):
    username = fields.Str(required=True, validate=ID_RULE)
    password = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class PasswordChange(Strict):
    old_password = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.Str(required=True, validate=PASSWORD)


class RegisterUser(Strict):
    username = Id(required=True)
    person_id = Id(required=True)
    password = fields.Str(required=True, validate=PASSWORD)
    admin = fields.Bool(load_default=False)


class NoQuery(Strict):
    """No query parameters."""


def _this_year() -> int:
    return utcnow().year


class YearView(Strict):
    """The year a view looks at (the path names whose view)."""

    year = Integer(load_default=_this_year, validate=YEAR)


class Entries(ledger_queries.EntriesQuery):
    """The ledger's filters, and `as_of`: the ledger as it stood at the end of that day."""

    as_of = Date(load_default=None, allow_none=True)


class Export(Entries):
    """The filters of a list; an export has every matching row, so no page."""

    class Meta:
        exclude = ("limit", "offset")
