"""The errors every service raises, each with a stable `code`.

The gateway maps them to HTTP statuses once, by class name (nameko carries a remote error's
type name), so every service raises these classes, or subclasses that keep their meaning.
Kept few on purpose: a caller can act on "not found", "not allowed", "not now" and "bad input";
finer distinctions live in the message, which is for the log: a person reads the code's Chinese
(the ERROR table of services/common/labels.py), the message of the gateway's answer.
"""

from __future__ import annotations

from marshmallow import ValidationError

from eventlog.model import ConcurrencyConflict


class ServiceError(Exception):
    code = "service_error"


class NotFound(ServiceError):
    code = "not_found"


class Forbidden(ServiceError):
    """The actor lacks the role the command needs; the message names that role."""

    code = "forbidden"


class InvalidTransition(ServiceError):
    """The current state does not allow the command (completing a cancelled item)."""

    code = "invalid_transition"


class PreconditionFailed(ServiceError):
    """The client's precondition (HTTP If-Match) does not hold: what it changes has changed
    since the version the client saw, so the command would overwrite a change it never saw."""

    code = "precondition_failed"


class BadInput(ValidationError):
    """Input that fails a schema or a rule on its shape; `messages`: field → errors."""

    code = "bad_input"


# What nameko should treat as an answer to the caller, not as a crash of the service.
EXPECTED = (ServiceError, ValidationError, ConcurrencyConflict)
