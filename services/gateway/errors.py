"""Errors at the HTTP edge: one body for all of them, and one table from remote errors to codes.

Every error answer reads {"code", "message", "fields"}: `code` is stable English a client acts
on, `message` the code's sentence in Chinese for the person in front of it (the ERROR table of
services/common/labels.py, the same the web app shows), `fields` names the fields to correct as
the request named them. What the raising code said of the case in English is kept as the
error's `detail`, for the log only.

The services raise the shared error classes (services/common/errors.py); nameko carries only the
class name of a remote error, so `MAPPED_ERRORS` maps names. A subclass a service adds must be
listed with its parent's status. The gateway raises some of the same classes itself (users);
those map by the same table.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import psycopg2
import psycopg2.errors
from nameko.exceptions import UnknownService
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from services.common.errors import EXPECTED
from services.common.labels import label

log = logging.getLogger(__name__)

# Type name of a shared error, remote or raised in the gateway → (HTTP status, code of the answer).
MAPPED_ERRORS: dict[str, tuple[int, str]] = {
    "NotFound": (404, "not_found"),
    "Forbidden": (403, "forbidden"),
    "InvalidTransition": (409, "invalid_transition"),
    "WindowClosed": (409, "window_closed"),
    "AlreadySubmitted": (409, "already_submitted"),
    "MissingReviews": (409, "missing_reviews"),
    "ConcurrencyConflict": (409, "concurrency_conflict"),
    "PreconditionFailed": (412, "precondition_failed"),
    "BadInput": (422, "bad_input"),
    "ValidationError": (422, "bad_input"),
}
# Statuses werkzeug raises (routing, a body over Request.max_content_length, a form too large)
# → code; any other of its 4xx is bad_request.
WERKZEUG_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


# SQLSTATEs of a connection refused or lost (class 08), and of a server shutting down or starting
# up (57P01-57P03).
_GONE = ("08000", "08001", "08003", "08004", "08006", "08007", "08P01", "57P01", "57P02", "57P03")
# Errors, raised in the gateway or in a service, that say its database or broker cannot be
# reached for now (those above, and psycopg2's own for a connection it could not make or lost;
# kombu's OperationalError too): the request may be retried, and is answered 503, not 500.
UNAVAILABLE = frozenset(
    {"OperationalError", "InterfaceError", *(psycopg2.errors.lookup(c).__name__ for c in _GONE)}
)


class HttpError(Exception):
    """An answer other than success, raised anywhere below an entrypoint. `detail`: the case in
    English, for the log; the answer's message is the code's Chinese."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        fields: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(detail or code)
        self.status, self.code, self.detail = status, code, detail
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})  # of the answer, such as Retry-After

    @property
    def message(self) -> str:
        return label("error", self.code)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class RemoteCallError(Exception):
    """A service answered a call with an error: its type name, message and arguments."""

    def __init__(self, exc_type: str, value: str, args: list[Any]):
        super().__init__(f"{exc_type}: {value}")
        self.exc_type, self.value, self.exc_args = exc_type, value, args


class ServiceUnavailable(Exception):
    """A service did not answer in time, or is not running at all."""


def not_found(what: str) -> HttpError:
    """The same answer for "does not exist" and "not yours to see", so neither is revealed."""
    return HttpError(404, "not_found", f"{what} not found")


def unauthorised(detail: str) -> HttpError:
    return HttpError(401, "unauthorised", detail)


def password_change_required() -> HttpError:
    """A one-time password signs in to nothing but its own change."""
    detail = "a one-time password: replace it first (POST /api/v1/auth/one-time-password)"
    return HttpError(403, "password_change_required", detail)


def forbidden(detail: str) -> HttpError:
    return HttpError(403, "forbidden", detail)


def bad_input(fields: Any, detail: str = "the request has invalid fields") -> HttpError:
    return HttpError(422, "bad_input", detail, as_fields(fields))


def as_fields(messages: Any) -> dict[str, Any]:
    """Marshmallow's messages as field → errors; a message with no field goes under _schema."""
    if isinstance(messages, Mapping):
        return {str(key): value for key, value in messages.items()}
    return {"_schema": messages if isinstance(messages, list) else [str(messages)]}


def unavailable(what: str) -> HttpError:
    return HttpError(503, "service_unavailable", f"{what} is unavailable, try again shortly")


def from_remote(error: RemoteCallError) -> HttpError:
    if error.exc_type in UNAVAILABLE:
        return unavailable("a service's database or message broker")
    if error.exc_type not in MAPPED_ERRORS:
        log.error("unmapped error from a service: %s", error)
        return HttpError(500, "internal_error", "the request could not be completed")
    return _mapped(error.exc_type, error.value, error.exc_args)


def _mapped(exc_type: str, detail: str, args: Any) -> HttpError:
    status, code = MAPPED_ERRORS[exc_type]
    fields = as_fields(args[0]) if status == 422 and args else {}
    return HttpError(status, code, detail if status != 422 else "invalid fields", fields)


def from_werkzeug(exc: HTTPException) -> HttpError:
    """werkzeug's refusals (no such route, a method the route lacks, a body too large) in the
    API's body."""
    status = exc.code or 400
    code = WERKZEUG_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    allowed = exc.valid_methods if isinstance(exc, MethodNotAllowed) else None
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    return HttpError(status, code, exc.description or code, headers=headers)


def _mapped_name(exc: Exception) -> str | None:
    """The name a shared error raised in the gateway maps by: its own, or its nearest parent's."""
    if not isinstance(exc, EXPECTED):
        return None
    return next((c.__name__ for c in type(exc).__mro__ if c.__name__ in MAPPED_ERRORS), None)


def to_http(exc: Exception) -> HttpError:
    """Any exception an endpoint raised, as the answer the client gets."""
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, RemoteCallError):
        return from_remote(exc)
    if isinstance(exc, HTTPException):
        return from_werkzeug(exc)
    if (name := _mapped_name(exc)) is not None:
        return _mapped(name, str(exc), exc.args)
    if isinstance(exc, ServiceUnavailable | UnknownService):
        return HttpError(503, "service_unavailable", f"a service is unavailable: {exc}")
    if isinstance(exc, psycopg2.Error) and type(exc).__name__ in UNAVAILABLE:
        return unavailable("the database")
    log.error("unexpected error in the gateway", exc_info=exc)
    return HttpError(500, "internal_error", "the request could not be completed")


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None):
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        headers=dict(headers or {}),
        mimetype="application/json",
    )


def error_response(error: HttpError) -> Response:
    return json_response(error.body(), error.status, error.headers)
