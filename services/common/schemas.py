"""Building blocks of every service's marshmallow schemas: strict by default, clear messages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import available_timezones

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from services.common.errors import BadInput

# Ids travel in stream ids (`item-<id>`): keep them short and free of spaces.
ID_RULE = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$", error="1–64 letters, digits or _.:-")


def _not_blank(text: str) -> None:
    if text and not text.strip():  # every Unicode space, the ideographic one too
        raise ValidationError("must not be blank")


NOT_BLANK = validate.And(validate.Length(min=1, max=500), _not_blank)
# Years the services compute periods, schedules and histories for.
YEAR = validate.Range(2000, 2100, error="a year from {min} to {max}")


def new_id() -> str:
    return uuid.uuid4().hex


def Id(**options: Any) -> fields.Str:  # named like the field types it stands beside
    return fields.Str(validate=ID_RULE, **options)


def NewId() -> fields.Str:
    """An id the caller may choose (to make a retry idempotent), else a fresh one."""
    return fields.Str(validate=ID_RULE, load_default=new_id)


# PostgreSQL stores no NUL character, and JSON carries no unpaired surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Pages are counted in PostgreSQL integers.
MAX_OFFSET = 2**31 - 1


def is_storable(text: str) -> bool:
    return not _UNSTORABLE.search(text)


def storable(text: str) -> None:
    if not is_storable(text):
        raise ValidationError("text with a NUL character or an unpaired surrogate cannot be stored")


def Text(required: bool = True, **options: Any) -> fields.Str:
    if not required:
        return fields.Str(
            load_default="", validate=[validate.Length(max=20000), storable], **options
        )
    return fields.Str(required=True, validate=[NOT_BLANK, storable], **options)


def _in_years(day: date) -> None:
    YEAR(day.year)


def Date(**options: Any) -> fields.Date:
    """A date within YEAR: periods, schedules and histories are computed only for those years."""
    return fields.Date(validate=_in_years, **options)


# What a PostgreSQL bigint holds: no column takes more.
INT64 = validate.Range(-(2**63), 2**63 - 1, error="beyond a 64-bit integer")


class Integer(fields.Integer):
    """An integer field every schema uses: a whole number (2.0 is 2, 2.5 is refused rather than
    cut to 2) that a database column holds. marshmallow's takes any size and truncates."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        number = super()._validated(value)
        INT64(number)
        return number


def Offset() -> Integer:
    return Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))


# A telephone number as people write it: digits, with + ( ) - and spaces between.
PHONE_RULE = validate.Regexp(
    r"^\+?[0-9][0-9 ()-]{3,30}[0-9]$", error="a telephone number: digits, + ( ) - and spaces"
)


def Phone(**options: Any) -> fields.Str:
    return fields.Str(validate=PHONE_RULE, **options)


def Choice(choices: tuple[str, ...], **options: Any) -> fields.Str:
    return fields.Str(validate=validate.OneOf(choices), **options)


def TimeZone(**options: Any) -> fields.Str:
    return fields.Str(
        validate=validate.OneOf(
            sorted(available_timezones()), error="an IANA time zone such as Asia/Shanghai"
        ),
        **options,
    )


class Strict(Schema):
    """Unknown fields are refused, so a misspelt field is an error, not a silent default."""

    class Meta:
        unknown = RAISE


class Command(Strict):
    """Loads into the command dataclass named by `command`."""

    command: type

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        return self.command(**data)


def command_table(*schemas: type[Command]) -> Mapping[str, type[Command]]:
    """A service's commands by their RPC names, each named after its schema (PlanItem:
    plan_item): the service makes its methods from it (services/common/rpc.py), the gateway its
    routes to them."""
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", s.__name__).lower(): s for s in schemas}


def load(schema: Schema, payload: Any) -> Any:
    """Validates `payload`, raising BadInput (a ValidationError) with the field messages."""
    try:
        return schema.load(payload if payload is not None else {})
    except ValidationError as error:
        raise BadInput(error.messages) from None
