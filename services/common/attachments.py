"""What a file attached to a record may be: its size, and its type as its content tells it.

A file's type is decided by its bytes (their "magic"), never by the name or the type a client
declares: a page saved as `minutes.pdf` is not a PDF. Allowed are PDF, images (JPEG, PNG, GIF,
WebP), office documents (Word, Excel and PowerPoint's documents of today, Word and Excel's old
ones) and plain text; anything else (an executable, an archive, HTML or SVG, which are text, are
kept as plain text and never served as pages) is refused. Pure: the gateway checks a file it
receives with `checked`, the ledger a file a command names with `refusal`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping

MEGABYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MEGABYTE

PDF = "application/pdf"
JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
TEXT = "text/plain"
MEDIA_TYPES = (PDF, JPEG, PNG, GIF, WEBP, DOCX, XLSX, PPTX, DOC, XLS, TEXT)
IMAGES = frozenset({JPEG, PNG, GIF, WEBP})  # shown in the page; every other type is downloaded

# Leading bytes of the types that have them.
_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Office's documents before 2007
# The part of an Office Open XML package that says which it is.
_OOXML = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
# The stream an old Office document's compound file holds, as its directory names it (UTF-16).
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS))
# Control characters no text file holds: all but tab, line feed, form feed and carriage return.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_MARK = b"\xef\xbb\xbf"


class FileRefused(ValueError):
    """A file that may not be attached: `code` says why (file_too_large, file_type_not_allowed,
    file_empty), the message in English for the log."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code


def max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """TAIZHANG_ATTACHMENT_MAX_BYTES, or 20 MB."""
    given = (os.environ if environ is None else environ).get("TAIZHANG_ATTACHMENT_MAX_BYTES")
    return int(given) if given else DEFAULT_MAX_BYTES


def sniff(content: bytes) -> str | None:
    """The file's media type as its content tells it, or None for a type not allowed."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(_ZIP):
        return _office_package(content)
    if content.startswith(_OLE):
        return _old_office(content)
    return TEXT if _is_text(content) else None


def _office_package(content: bytes) -> str | None:
    """A ZIP is allowed only as a Word, Excel or PowerPoint document (docx, xlsx, pptx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML.items() if part in names), None)


def _old_office(content: bytes) -> str | None:
    """A compound file is allowed as Word's or Excel's (doc, xls): the name of the stream its
    directory holds tells which."""
    for stream, kind in _OLE_STREAMS:
        if (stream + "\x00").encode("utf-16-le") in content:
            return kind
    return None


def _is_text(content: bytes) -> bool:
    """UTF-8 (with or without its mark) or GB 18030 text, without control characters."""
    content = content.removeprefix(_UTF8_MARK)
    if _CONTROL.search(content):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def checked(content: bytes, limit: int) -> str:
    """The media type of a file that may be attached; FileRefused for one that may not."""
    if not content:
        raise FileRefused("file_empty", "the file is empty")
    if len(content) > limit:
        raise FileRefused("file_too_large", f"larger than {limit} bytes")
    media_type = sniff(content)
    if media_type is None:
        allowed = "PDF, JPEG, PNG, GIF, WebP, docx, xlsx, pptx, doc, xls or plain text"
        raise FileRefused("file_type_not_allowed", f"its content is none of: {allowed}")
    return media_type


def refusal(media_type: str, size: int, limit: int) -> str | None:
    """Why a file a command describes may not be attached (None: it may): the same rules, for
    a file already checked and stored."""
    if media_type not in MEDIA_TYPES:
        return f"not an allowed type: {media_type}"
    if not 0 < size <= limit:
        return f"{size} bytes: from 1 to {limit}"
    return None
