"""Requests of the uploads: multipart/form-data, read by uploads.py."""

from __future__ import annotations

from marshmallow import fields

from services.common.schemas import ID_RULE, Strict, Text

from .responses import Int, Str


class ReceivedFile(Strict):
    """What the gateway found the part `file` to be (uploads.received): never sent as such."""

    name, sha256, media_type = Str(required=True), Str(required=True), Str(required=True)
    size = Int(required=True)


class FileUpload(Strict):
    file = fields.Nested(
        ReceivedFile,
        required=True,
        metadata={"description": "the file: PDF, an image, an office document or plain text"},
    )
    note = Text(required=False, metadata={"description": "what the file shows"})


class ItemFileUpload(FileUpload):
    period = fields.Str(
        load_default=None,
        allow_none=True,
        validate=ID_RULE,
        metadata={"description": "the occurrence it is evidence for (none: the item's own)"},
    )
