"""Every error the gateway answers says what went wrong in Chinese (`message`, from the one table
of services/common/labels.py), beside its stable English `code`, whatever raised it."""

import json

import psycopg2
import pytest
from nameko.exceptions import UnknownService
from werkzeug.exceptions import BadRequest, MethodNotAllowed, NotFound, RequestEntityTooLarge

from eventlog import ConcurrencyConflict
from services.common.errors import BadInput, Forbidden, InvalidTransition
from services.common.labels import ERROR
from services.gateway.errors import (
    MAPPED_ERRORS,
    HttpError,
    RemoteCallError,
    ServiceUnavailable,
    to_http,
)
from services.gateway.tests.error_codes import CJK, answered_codes, raised_codes


def test_the_source_is_read_for_the_codes_it_raises():
    """Codes raised in errors.py, body.py, idempotency, users, health, roster, protocol.py."""
    found = raised_codes()
    expected = {"internal_error", "bad_json", "request_in_progress", "idempotency_key_reused"}
    expected |= {"too_many_attempts", "busy", "not_ready", "roster_invalid"}
    assert expected | {"header_too_large", "uri_too_long", "bad_request"} <= found


@pytest.mark.parametrize("code", sorted(answered_codes()))
def test_every_code_the_gateway_answers_has_a_chinese_message(code):
    assert code in ERROR, f"{code} has no sentence in services/common/labels.py ERROR"
    body = HttpError(400, code, "in English, for the log", {"title": ["required"]}).body()
    assert body == {"code": code, "message": ERROR[code], "fields": {"title": ["required"]}}
    assert CJK.search(body["message"]), body


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        *(
            (RemoteCallError(name, "in English", []), s, c)
            for name, (s, c) in MAPPED_ERRORS.items()
        ),
        (RemoteCallError("KeyError", "'a secret'", []), 500, "internal_error"),
        (RemoteCallError("OperationalError", "refused", []), 503, "service_unavailable"),
        (InvalidTransition("user ann already exists"), 409, "invalid_transition"),
        (Forbidden("this needs: secretary"), 403, "forbidden"),
        (BadInput({"title": ["required"]}), 422, "bad_input"),
        (ConcurrencyConflict("user-ann", 1, 2), 409, "concurrency_conflict"),
        (UnknownService("ledger"), 503, "service_unavailable"),
        (ServiceUnavailable("timed out"), 503, "service_unavailable"),
        (psycopg2.OperationalError("refused"), 503, "service_unavailable"),
        (NotFound(), 404, "not_found"),
        (MethodNotAllowed(["GET"]), 405, "method_not_allowed"),
        (RequestEntityTooLarge(), 413, "payload_too_large"),
        (BadRequest(), 400, "bad_request"),
        (KeyError("a secret"), 500, "internal_error"),
    ],
)
def test_whatever_raised_it_the_answer_is_in_chinese_beside_its_code(raised, status, code):
    answer = to_http(raised)
    assert (answer.status, answer.code) == (status, code)
    body = answer.body()
    assert set(body) == {"code", "message", "fields"} and body["message"] == ERROR[code]
    assert "secret" not in json.dumps(body, ensure_ascii=False)


def test_a_method_not_allowed_names_the_methods_allowed():
    assert to_http(MethodNotAllowed(["GET", "HEAD"])).headers == {"Allow": "GET, HEAD"}
