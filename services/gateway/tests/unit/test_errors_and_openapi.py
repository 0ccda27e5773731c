"""Remote errors → HTTP answers, and the OpenAPI description of every endpoint."""

import importlib
import json
from collections.abc import Iterator
from inspect import isclass
from pathlib import Path

import psycopg2
import psycopg2.errors
from marshmallow import Schema, fields
from nameko.exceptions import UnknownService

import services
from eventlog import ConcurrencyConflict
from services.common.errors import BadInput, InvalidTransition
from services.common.schemas import Integer
from services.gateway.endpoints import ENDPOINTS
from services.gateway.errors import RemoteCallError, ServiceUnavailable, to_http
from services.gateway.schemas.requests import Entries
from services.gateway.service import OPENAPI, GatewayService
from services.gateway.storable import refusals, unstorable

OPERATIONS = {op["operationId"]: op for path in OPENAPI["paths"].values() for op in path.values()}


def test_remote_errors_map_by_type_name():
    assert to_http(RemoteCallError("NotFound", "no item", [])).status == 404
    assert to_http(RemoteCallError("InvalidTransition", "done", [])).code == "invalid_transition"
    assert to_http(RemoteCallError("ConcurrencyConflict", "x", [])).status == 409
    for name in ("WindowClosed", "AlreadySubmitted", "MissingReviews"):
        assert to_http(RemoteCallError(name, "not now", [])).status == 409
    invalid = to_http(RemoteCallError("BadInput", "{...}", [{"title": ["required"]}]))
    assert (invalid.status, invalid.fields) == (422, {"title": ["required"]})
    unknown = to_http(RemoteCallError("KeyError", "'secret detail'", []))
    assert unknown.status == 500 and "secret" not in json.dumps(unknown.body())


def test_shared_errors_raised_in_the_gateway_map_like_remote_ones():
    class Taken(InvalidTransition):
        pass

    taken = to_http(Taken("user ann already exists"))
    assert (taken.status, taken.code, taken.detail) == (
        409,
        "invalid_transition",
        "user ann already exists",
    )
    assert taken.message == "当前状态下不能这样操作（可能已完成或已取消）。"
    raced = to_http(ConcurrencyConflict("user-ann", 1, 2))
    assert (raced.status, raced.code) == (409, "concurrency_conflict")
    invalid = to_http(BadInput({"title": ["required"]}))
    assert (invalid.status, invalid.fields) == (422, {"title": ["required"]})
    assert to_http(KeyError("secret detail")).status == 500


def test_an_absent_or_slow_service_is_503():
    assert to_http(UnknownService("ledger")).status == 503
    assert to_http(ServiceUnavailable("timed out")).code == "service_unavailable"


def test_a_database_or_broker_out_of_reach_is_503_here_or_in_a_service():
    refused = psycopg2.OperationalError("connection to server at 127.0.0.1 refused")
    for error in (refused, psycopg2.errors.lookup("57P01")(), psycopg2.InterfaceError("closed")):
        answer = to_http(error)
        assert (answer.status, answer.code) == (503, "service_unavailable")
        assert "127.0.0.1" not in json.dumps(answer.body())
    for name in ("OperationalError", "AdminShutdown", "CannotConnectNow", "InterfaceError"):
        assert to_http(RemoteCallError(name, "server closed the connection", [])).status == 503
    assert to_http(psycopg2.errors.lookup("23505")()).status == 500  # a unique violation: a bug
    assert to_http(RemoteCallError("UniqueViolation", "duplicate key", [])).status == 500


def test_every_endpoint_is_described_with_its_errors():
    for endpoint in ENDPOINTS:
        operation = OPERATIONS[endpoint.name]
        assert {"200", "422", "503", "default"} <= set(map(str, operation["responses"]))
        if endpoint.rule is None:
            assert operation["security"] == []
        else:
            assert {"401", "403", "404"} <= set(map(str, operation["responses"]))
        if endpoint.method == "POST":
            assert {"400", "413"} <= set(map(str, operation["responses"]))
    assert OPENAPI["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_a_request_body_never_takes_the_actor():
    for endpoint in ENDPOINTS:
        schema = endpoint.request_schema()
        assert schema is None or "actor_id" not in schema.fields, endpoint.name


def test_a_request_body_never_names_the_caller_for_them():
    preferences = next(e for e in ENDPOINTS if e.name == "set_preferences")
    assert "member_id" not in preferences.request_schema().fields
    given = preferences.arguments({"channels": ["inbox"]}, {}, "m1")
    assert given == {"channels": ["inbox"], "actor_id": "m1", "member_id": "m1"}


def _takes_key(name: str) -> bool:
    return any(p.get("name") == "Idempotency-Key" for p in OPERATIONS[name]["parameters"])


def test_an_anonymous_request_takes_no_idempotency_key():
    anonymous = [e.name for e in ENDPOINTS if e.anonymous]
    assert anonymous == ["submit_peer_review"]
    described = OPERATIONS["submit_peer_review"]
    assert "Anonymous" in described["description"]
    assert not _takes_key("submit_peer_review") and _takes_key("open_cycle")


def test_the_gateways_own_commands_take_an_idempotency_key_as_the_services_do():
    for name in ("register_user", "change_password", "reset_password"):
        assert _takes_key(name), name
    assert "drawn from the key" in OPERATIONS["reset_password"]["description"]
    # Signing in: no caller yet to keep keys for; the import: run again, it completes itself.
    for name in ("issue_token", "replace_one_time_password", "import_roster"):
        assert not _takes_key(name), name
    assert "Idempotency-Key is ignored" in OPERATIONS["import_roster"]["description"]


def test_every_endpoint_is_an_entrypoint_of_its_own():
    names = [endpoint.name for endpoint in ENDPOINTS]
    assert len(names) == len(set(names))
    assert all(getattr(GatewayService, name).__name__ == name for name in names)


def test_text_no_service_can_store_is_refused_where_it_is():
    given = {"title": "学习\x00", "items": ["ok", "\udbcf"], "n": 1, "fine": "学习 \U0001f600"}
    assert unstorable(given) == ["title", "items.1"]
    assert unstorable({"\x00": "key"}) == ["_schema"]


def test_an_integer_beyond_64_bits_is_refused():
    given = {"offset": "34325587784816271360", "limit": "5", "kind": "reform"}
    assert Entries().validate(given)["offset"] == ["beyond a 64-bit integer"]
    assert refusals({"offset": str(2**63 - 1), "limit": "x"}) == {}


def _fields(schema: Schema) -> Iterator[tuple[str, fields.Field]]:
    for name, field in schema.fields.items():
        yield name, field
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from _fields(inner.schema)
        if isinstance(field, fields.Dict) and field.value_field is not None:
            yield name, field.value_field


def _request_schemas() -> Iterator[type[Schema]]:
    """Every schema a service loads a request with, and the gateway's own (its other schemas
    describe answers)."""
    root = Path(services.__file__).parent
    for path in sorted(root.glob("*/schemas/*.py")):
        service = path.parent.parent.name
        if path.stem == "__init__" or (service == "gateway" and path.stem != "requests"):
            continue
        module = importlib.import_module(f"services.{service}.schemas.{path.stem}")
        yield from (v for v in vars(module).values() if isclass(v) and issubclass(v, Schema))


def test_every_integer_a_request_takes_is_whole_and_64_bits():
    """The shared Integer: marshmallow's would cut 2.5 to 2 and take any size."""
    loose = {
        f"{schema.__module__}.{schema.__name__}.{name}"
        for schema in _request_schemas()
        for name, field in _fields(schema())
        if isinstance(field, fields.Integer) and not isinstance(field, Integer)
    }
    assert loose == set()


def test_sign_ins_describe_their_throttle():
    for name in ("issue_token", "change_password"):
        throttled = OPERATIONS[name]["responses"]["429"]
        assert "Retry-After" in throttled["headers"]
    assert "429" not in OPERATIONS["me"]["responses"]
