"""The OpenAPI 3 description, generated from the endpoint table and its marshmallow schemas.

Request bodies and query parameters come from the schemas the endpoints validate with, and each
answer from the schema it is dumped through, so the description cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from eventlet.wsgi import MAX_HEADER_LINE, MAX_REQUEST_LINE, MAX_TOTAL_HEADER_SIZE

from services.common.attachments import MEGABYTE, max_bytes
from services.common.schemas import ID_RULE

from .access import RULE_NAMES
from .body import MAX_BYTES
from .endpoints.base import INTEGER_PARAMS, Endpoint
from .idempotency import MAX_KEY
from .preconditions import HEADER_PATTERN
from .schemas import responses as r

ERRORS = {
    400: "The body is not a JSON object",
    413: f"The body is larger than {MAX_BYTES // (1024 * 1024)} MB (an upload's file: larger than"
    " allowed, file_too_large)",
    415: "The file's content is not of a type allowed (file_type_not_allowed)",
    401: "No valid bearer token",
    403: "In the branch, but without the role this needs",
    404: "No such resource, or not within your branches",
    409: "Not possible in the current state, or a concurrent change",
    412: "If-Match: it has changed since that version (read it again)",
    422: "Invalid fields (see `fields`)",
    429: "Too many failed sign-ins from where you are: wait Retry-After seconds",
    503: "A service did not answer in time",
}
JSON = "application/json"
DESCRIPTION = (
    "Target-responsibility ledgers of an institution's branches. Every error, whatever its"
    " status, is answered with the Error body: a stable English `code`, its `message` in Chinese"
    " for the person using the client, and the `fields` to correct, named as the request named"
    " them; also a request refused before any route: a request line of"
    f" {MAX_REQUEST_LINE // 1024} KB or more (414 uri_too_long), a header line of"
    f" {MAX_HEADER_LINE // 1024} KB or more or headers of {MAX_TOTAL_HEADER_SIZE // 1024} KB"
    " together (431 header_too_large, naming the header), a malformed request (400 bad_request)."
)
ANONYMOUS = (
    "Anonymous: the gateway keeps nothing that ties the request to you (an Idempotency-Key is"
    " ignored; a retry of a stored review is answered 409 already_submitted)."
)
SECRET = "The answer holds a secret (one-time passwords, a token): the gateway keeps no copy."
SECRET_KEYED = (
    "A retry with the same Idempotency-Key is answered the same, from what the first attempt"
    " stored (a one-time password is drawn from the key)."
)
INFRA = {
    "/healthz": ("healthz", "The gateway process is alive", JSON),
    "/readyz": ("readyz", "RabbitMQ, PostgreSQL and every service answer", JSON),
    "/metrics": ("metrics", "Prometheus metrics", "text/plain"),
    "/openapi.json": ("openapi", "This description", JSON),
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _header(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": schema,
        "description": description,
    }


IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    {"type": "string", "maxLength": MAX_KEY},
    "A retry with the same key gets the first answer",
)
IF_MATCH = _header(
    "If-Match",
    {"type": "string", "pattern": HEADER_PATTERN},
    "The version (ETag) you saw: refused with 412 if it has changed since",
)


def _path_parameter(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = (
        {"type": "integer", "minimum": 2000, "maximum": 2100}
        if name in INTEGER_PARAMS
        else {"type": "string", "pattern": ID_RULE.regex.pattern}
    )
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _responses(endpoint: Endpoint) -> dict[Any, Any]:
    if endpoint.response is None:
        ok = {"content": {endpoint.content: {"schema": {"type": "string", "format": "binary"}}}}
    else:
        ok = {"content": {"application/json": {"schema": endpoint.response}}}
    codes = [422, 503]
    codes += [401, 403, 404] if endpoint.rule is not None else []
    codes += [429] if endpoint.throttled else []
    codes += [400, 409, 413] if endpoint.method == "POST" else []
    codes += [415] if endpoint.upload else []
    codes += [412] if endpoint.preconditioned else []
    answers: dict[Any, Any] = {200: {"description": endpoint.summary or "OK", **ok}}
    answers.update({code: _error(ERRORS[code]) for code in sorted(codes)})
    if 429 in answers:
        wait = {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}
        answers[429]["headers"] = {"Retry-After": wait}
    answers["default"] = _error("Any other error, in the same body")
    return answers


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "tags": [endpoint.tag],
        "summary": endpoint.summary,
        "parameters": [_path_parameter(name) for name in endpoint.params],
        "responses": _responses(endpoint),
    }
    if endpoint.rule is None:
        operation["security"] = []
    notes = _notes(endpoint)
    if notes:
        operation["description"] = " ".join(notes)
    schema = endpoint.request_schema()
    if endpoint.method == "POST":
        if endpoint.takes_key:
            operation["parameters"].append(IDEMPOTENCY_KEY)
        if endpoint.preconditioned:
            operation["parameters"].append(IF_MATCH)
        body = _multipart(endpoint) if endpoint.upload else {JSON: {"schema": schema}}
        operation["requestBody"] = {"required": True, "content": body}
    elif schema is not None and schema.fields:
        operation["parameters"].append({"in": "query", "schema": schema})
    return operation


def _multipart(endpoint: Endpoint) -> dict[str, Any]:
    """An upload's form: the file as the part `file`, each other field a text part."""
    properties: dict[str, Any] = {
        name: {"type": "string", **field.metadata}
        for name, field in endpoint.fields().items()
        if name not in ("file", "actor_id", *endpoint.params)
    }
    limit = f"at most {max_bytes() // MEGABYTE} MB (TAIZHANG_ATTACHMENT_MAX_BYTES)"
    described = f"PDF, JPEG, PNG, GIF, WebP, docx, xlsx, pptx, doc, xls or plain text; {limit}"
    properties["file"] = {"type": "string", "format": "binary", "description": described}
    form = {"type": "object", "required": ["file"], "properties": properties}
    return {"multipart/form-data": {"schema": form}}


def _notes(endpoint: Endpoint) -> list[str]:
    """Who may call it, and what the gateway keeps of it."""
    notes = [] if endpoint.rule is None else [f"Who: {RULE_NAMES[endpoint.rule]}."]
    notes += [ANONYMOUS] if endpoint.anonymous else []
    notes += [SECRET] if endpoint.secret else []
    notes += [SECRET_KEYED] if endpoint.secret and endpoint.takes_key else []
    notes += [f"An Idempotency-Key is ignored: {endpoint.unkeyed}."] if endpoint.unkeyed else []
    return notes


def build(endpoints: list[Endpoint]) -> dict[str, Any]:
    spec = APISpec(
        title="taizhang gateway",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
        security=[{"bearer": []}],
    )
    spec.components.schema("Error", schema=r.Error)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.url, {})[endpoint.method.lower()] = _operation(endpoint)
    for url, operations in paths.items():
        spec.path(path=url, operations=operations)
    for url, (name, summary, content) in INFRA.items():
        spec.path(path=url, operations={"get": _infra(name, summary, content)})
    return spec.to_dict()


def _infra(name: str, summary: str, content: str) -> dict[str, Any]:
    return {
        "operationId": name,
        "tags": ["operations"],
        "summary": summary,
        "security": [],
        "responses": {
            200: {"description": summary, "content": {content: {"schema": {}}}},
            "default": _error("Not ready, or another error"),
        },
    }
