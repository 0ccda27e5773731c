"""Files in and out of the gateway: an upload read and checked, a stored file sent back.

An upload is multipart/form-data (what a browser's form sends, and any HTTP client): the file as
the part `file`, the command's other fields as parts of their own. Its limits are checked here,
on the server, before anything is stored: its size (TAIZHANG_ATTACHMENT_MAX_BYTES; a request
larger than that is refused before its body is read) and its type, as its content tells it
(services/common/attachments.py). A refusal names the field `file`: 413 file_too_large, 415
file_type_not_allowed, 422 file_empty; the last two once the caller is known to be allowed.

A file goes out as it was stored, with the type its content was found to be, never sniffed again
by the browser (`nosniff`), under a policy that runs nothing (`sandbox`), and as a download for
anything but an image: a text file holding HTML or SVG is never shown as a page of the site.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from eventlog.blobs import sha256_of
from services.common import attachments
from services.common.schemas import is_storable

from .errors import HttpError

FILE = "file"  # the form part that holds the file
FORM_ROOM = (
    64 * 1024
)  # bytes a request may hold beside the file: its other fields, the parts' heads
MAX_NAME = 255
STATUS = {"file_too_large": 413, "file_type_not_allowed": 415, "file_empty": 422}
_ASCII_UNSAFE = re.compile(r'[^A-Za-z0-9._ -]|["\\]')


@dataclass(frozen=True)
class Upload:
    """A file received: its bytes, what the command says of them, and why it may not be
    attached (None: it may)."""

    content: bytes
    name: str
    media_type: str  # "" for a file refused
    refusal: HttpError | None = None

    def described(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": sha256_of(self.content),
            "size": len(self.content),
            "media_type": self.media_type,
        }

    def checked(self) -> Upload:
        if self.refusal is not None:
            raise self.refusal
        return self


def limit_request(request: Request) -> None:
    """No body larger than a file may be and its form is read: a larger one is refused, not
    spooled to disk."""
    request.max_content_length = attachments.max_bytes() + FORM_ROOM


def received(request: Request) -> tuple[dict[str, Any], Upload | None]:
    """The form's fields, the file's description among them (`file`: name, sha256, size and
    media type), and the file; (fields, None) when no file was sent, or no form (the schema then
    says the file is missing, once the caller is known to be allowed). A body larger than a file
    may be is refused here, before it is read; a file of a type not allowed, or empty, is kept
    with its refusal, which the upload raises once the caller is authorised (`checked`)."""
    limit = attachments.max_bytes()
    limit_request(request)
    if request.mimetype != "multipart/form-data":
        return {}, None
    try:
        fields = {name: value for name, value in request.form.items() if name != FILE}
        part = request.files.get(FILE)
    except RequestEntityTooLarge:
        raise refused("file_too_large", f"larger than {limit} bytes") from None
    if part is None or not part.filename:  # a form's file input left empty sends no name
        return fields, None
    content = part.read(limit + 1)
    try:
        upload = Upload(content, file_name(part.filename), attachments.checked(content, limit))
    except attachments.FileRefused as refusal:
        if refusal.code == "file_too_large":
            raise refused(refusal.code, str(refusal)) from None
        upload = Upload(content, file_name(part.filename), "", refused(refusal.code, str(refusal)))
    return {**fields, FILE: upload.described()}, upload


def refused(code: str, detail: str) -> HttpError:
    return HttpError(STATUS[code], code, detail, {FILE: [detail]})


def file_name(given: str) -> str:
    """The name as its sender's system gave it, without a path (some browsers send one), and
    without what cannot be stored; "附件" for none."""
    name = posixpath.basename(given.replace("\\", "/")).strip()
    name = "".join(c for c in name if c.isprintable() and is_storable(c))
    return name[-MAX_NAME:] or "附件"


def served(chunks: Iterator[bytes], file: dict[str, Any]) -> Response:
    """A stored file as the answer: an image shown, anything else downloaded, under its name."""
    disposition = "inline" if file["media_type"] in attachments.IMAGES else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; {filename_parameters(file['name'])}",
        "Content-Length": str(file["size"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
    return Response(chunks, content_type=file["media_type"], headers=headers)


def filename_parameters(name: str) -> str:
    """RFC 6266: the UTF-8 name (RFC 5987's filename*), and an ASCII one for old clients."""
    stem, extension = posixpath.splitext(name)
    fallback = _ASCII_UNSAFE.sub("_", stem).strip("_ ") or "attachment"
    extension = _ASCII_UNSAFE.sub("", extension)
    return f"filename=\"{fallback}{extension}\"; filename*=UTF-8''{quote(name, safe='')}"
