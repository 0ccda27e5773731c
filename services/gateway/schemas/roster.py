"""Requests and answers of the roster import and of one-time passwords."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from services.common.schemas import ID_RULE, Strict, Text

from .requests import PASSWORD

MAX_FILE = 4 * 1024 * 1024  # bytes of a roster file: thousands of rows fit in far less


class Base64File(fields.Str):
    """A file's bytes sent as base64 text in the JSON body."""

    def _deserialize(self, value: Any, attr, data, **kwargs: Any) -> bytes:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > MAX_FILE * 4 // 3 + 4:
            raise ValidationError(f"at most {MAX_FILE} bytes")
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("not base64 text") from None
        if not content:
            raise ValidationError("an empty file")
        return content


class RosterUpload(Strict):
    content = Base64File(
        required=True,
        metadata={
            "description": "the XLSX or CSV file, base64 (the template: GET /roster/template.xlsx)"
        },
    )
    dry_run = fields.Bool(
        load_default=True,
        metadata={"description": "true (default): say what would change, change nothing"},
    )


class OneTimePasswordChange(Strict):
    username = fields.Str(required=True, validate=ID_RULE)
    password = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.Str(required=True, validate=PASSWORD)


class PasswordReset(Strict):
    reason = Text(metadata={"description": "why, kept with the reset (忘记密码)"})


class RosterRow(Schema):
    sheet = fields.Str(required=True)
    row = fields.Int(required=True)
    status = fields.Str(required=True, metadata={"description": "变更, 无变化 or 错误"})
    changes = fields.List(fields.Str(), required=True)
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()), required=True)


class Account(Schema):
    login = fields.Str(required=True)
    name = fields.Str(required=True)
    one_time_password = fields.Str(required=True)


class RosterReport(Schema):
    valid = fields.Bool(required=True)
    applied = fields.Bool(required=True)
    rows = fields.List(fields.Nested(RosterRow), required=True)
    summary = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    accounts = fields.List(fields.Nested(Account), required=True)


class PasswordIssued(Schema):
    username = fields.Str(required=True)
    one_time_password = fields.Str(required=True)
