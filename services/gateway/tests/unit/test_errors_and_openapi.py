"""Remote errors → HTTP answers, and the OpenAPI description of every endpoint."""

from nameko.exceptions import UnknownService

from services.gateway.endpoints import ENDPOINTS
from services.gateway.errors import RemoteCallError, ServiceUnavailable, to_http
from services.gateway.service import OPENAPI


def test_remote_errors_map_by_type_name():
    assert to_http(RemoteCallError("NotFound", "no item", [])).status == 404
    assert to_http(RemoteCallError("StudyQuotaExceeded", "6th", [])).code == "study_quota_exceeded"
    assert to_http(RemoteCallError("ConcurrencyConflict", "x", [])).status == 409
    invalid = to_http(RemoteCallError("BadInput", "{...}", [{"title": ["required"]}]))
    assert (invalid.status, invalid.fields) == (422, {"title": ["required"]})
    unknown = to_http(RemoteCallError("KeyError", "'secret detail'", []))
    assert unknown.status == 500 and "secret" not in unknown.message


def test_an_absent_or_slow_service_is_503():
    assert to_http(UnknownService("ledger")).status == 503
    assert to_http(ServiceUnavailable("timed out")).code == "service_unavailable"


def test_every_endpoint_is_described_with_its_errors():
    operations = {
        op["operationId"]: op for path in OPENAPI["paths"].values() for op in path.values()
    }
    for endpoint in ENDPOINTS:
        operation = operations[endpoint.name]
        assert {"200", "422", "503", "default"} <= set(map(str, operation["responses"]))
        if endpoint.rule is None:
            assert operation["security"] == []
        else:
            assert {"401", "403", "404"} <= set(map(str, operation["responses"]))
    assert OPENAPI["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_a_request_body_never_takes_the_actor():
    for endpoint in ENDPOINTS:
        schema = endpoint.request_schema()
        assert schema is None or "actor_id" not in schema.fields, endpoint.name
