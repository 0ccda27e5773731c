"""The gateway's HTTP connections (eventlet.wsgi's protocol): the requests refused before any
route sees them, answered in the API's error body; and the access log's client address.

eventlet.wsgi refuses some requests itself, before the application runs, with a bare status
line: a request line of MAX_REQUEST_LINE (8 KB) or more (414), a header line of MAX_HEADER_LINE
(8 KB) or more, such as a long Authorization header, or headers of more than
MAX_TOTAL_HEADER_SIZE (64 KB) together (400, no body), a Content-Length that is no length or
comes with a Transfer-Encoding (400); and the standard library's parser answers a malformed
request line, an HTTP version it does not take or more than 100 headers with an HTML page. Here
each is answered {"code", "message", "fields"} as any other error, naming the header at fault;
a header too long is 431 Request Header Fields Too Large (RFC 6585).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from eventlet.wsgi import (
    MAX_HEADER_LINE,
    MAX_TOTAL_HEADER_SIZE,
    HeaderLineTooLong,
    HeadersTooLarge,
)
from nameko.web.server import HttpOnlyProtocol

from .errors import HttpError

ANONYMOUS = "taizhang.anonymous"  # set in a request's WSGI environ when its route is anonymous


class _LastLine:
    """The connection's reader under eventlet's header reader, keeping the line it read last:
    the header that a limit stopped at."""

    def __init__(self, reader: Any):
        self.reader, self.line = reader, b""

    def readline(self, size: int = -1) -> bytes:
        self.line = self.reader.readline(size)
        return self.line


class GatewayProtocol(HttpOnlyProtocol):
    def get_client_address(self):
        """The address eventlet writes in access-log and error lines: none for anonymous
        routes (on an intranet an address names a person, and the line's time would tie them
        to the review the request stored)."""
        if getattr(self, "environ", {}).get(ANONYMOUS):
            return ("-", "-")
        return super().get_client_address()

    def _read_request_line(self):
        line = super()._read_request_line()
        limit = self.server.url_length_limit
        if len(line) < limit:
            return line
        self.refuse(
            414,
            "uri_too_long",
            {"url": [f"the request line (method, URL, version) is under {limit} bytes"]},
        )
        return b""  # no request: eventlet closes the connection

    def parse_request(self) -> bool:
        headers = self.rfile  # eventlet's reader of the header lines, which counts them
        last = headers.fp = _LastLine(headers.fp)
        try:
            parsed = super().parse_request()
        except HeaderLineTooLong:
            self.refuse(431, "header_too_large", {_name(last.line): [_LINE]})
            return False
        except HeadersTooLarge:
            self.refuse(431, "header_too_large", {_name(last.line): [_TOTAL]})
            return False
        refusal = _length_refusal(self.headers) if parsed else {}
        if refusal:
            self.refuse(400, "bad_request", refusal)
        return parsed and not refusal

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """The standard library's refusals while it parses the request."""
        self.refuse(code, "header_too_large" if code == 431 else "bad_request", {})

    def refuse(self, status: int, code: str, fields: dict[str, list[str]]) -> None:
        """The error body, then the connection closed: what is left of the request is unread."""
        error = HttpError(status, code, fields=fields)
        body = json.dumps(error.body(), ensure_ascii=False).encode()
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        self.close_connection = True
        self.wfile.write(head.encode("ascii") + body)


_LINE = f"a header line, with its line break, is under {MAX_HEADER_LINE} bytes"
_TOTAL = f"the headers together are at most {MAX_TOTAL_HEADER_SIZE} bytes"


def _length_refusal(headers: Any) -> dict[str, list[str]]:
    """eventlet's own checks of the body's length, for an answer in the API's body."""
    length = headers.get("Content-Length")
    if length is None:
        return {}
    try:
        negative = int(length) < 0
    except ValueError:
        negative = True
    if negative:
        return {"Content-Length": ["not a length in bytes"]}
    if headers.get("Transfer-Encoding") is not None:
        return {"Transfer-Encoding": ["not with Content-Length"]}
    return {}


def _name(line: bytes) -> str:
    """The header's name, as the request wrote it (a line with no name: its start)."""
    return line.split(b":", 1)[0].strip()[:100].decode("latin-1") or "_headers"
