"""Small files of every type an attachment may be, and of some it may not, made here: each
carries the bytes its type is known by (what the gateway sniffs), and some text after them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from services.common import attachments as a


def _office(part: str) -> bytes:
    """An Office Open XML package: its content types and its main part (a document's, a
    workbook's or a presentation's)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<root/>")
    return out.getvalue()


def _compound(stream: str) -> bytes:
    """A compound file's signature and a directory entry naming its main stream (UTF-16)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return header + (stream + "\x00").encode("utf-16-le") + bytes(64)


def _png(width: int = 24, height: int = 16) -> bytes:
    """A real picture (a red rectangle), as a browser shows it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xb3\x12\x1b" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + (chunk(b"IEND", b""))
    )


def _zip_of(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "not an office document")
    return out.getvalue()


ALLOWED = {
    "会议纪要.pdf": (b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", a.PDF),
    "合影.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32), a.JPEG),
    "现场.png": (_png(), a.PNG),
    "动图.gif": (b"GIF89a\x01\x00\x01\x00" + bytes(16), a.GIF),
    "照片.webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24), a.WEBP),
    "报告.docx": (_office("word/document.xml"), a.DOCX),
    "统计.xlsx": (_office("xl/workbook.xml"), a.XLSX),
    "党课.pptx": (_office("ppt/presentation.xml"), a.PPTX),
    "旧报告.doc": (_compound("WordDocument"), a.DOC),
    "旧统计.xls": (_compound("Workbook"), a.XLS),
    "说明.txt": ("学习心得：认真学习，\n按时完成。\n".encode(), a.TEXT),
    "说明-gbk.txt": ("学习心得：认真学习。\r\n".encode("gb18030"), a.TEXT),
    # Text, whatever its name: kept as plain text and never served as a page.
    "页面.html": (b"<html><script>alert(1)</script></html>", a.TEXT),
    "图形.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', a.TEXT),
}
REFUSED = {
    "程序.exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(64),
    "压缩包.zip": _zip_of("readme.txt"),
    "报告.pdf": b"\x00\x01\x02binary pretending to be a pdf",
    "伪装.docx": b"PK\x03\x04 not a zip at all",
    "旧幻灯片.ppt": _compound("PowerPoint Document"),
}
