"""Property-based requests from /openapi.json (schemathesis): no 5xx, and every answer matches
the schema the description gives for its status. Bounded: a few examples per operation, each as
a caller its rule lets through (the institution committee, also the administrator, where it
may; else an officer or member of the branch), and with the path naming resources that exist,
so bodies and queries reach the services' handlers."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from services.gateway.endpoints import ENDPOINTS

from .test_matrix import ALLOWED, _values

RULES = {(e.method.lower(), e.url): e.rule for e in ENDPOINTS}


def caller(method: str, path: str) -> str:
    rule = RULES.get((method.lower(), path))
    allowed = ALLOWED[rule] if rule is not None else {"committee"}
    return next(role for role in ("committee", "secretary", "member") if role in allowed)


pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def api(cluster):
    return schemathesis.openapi.from_url(f"{cluster.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api(case, cluster):
    known = _values(cluster.world, "own")
    for name in case.path_parameters or {}:
        case.path_parameters[name] = known[name]
    case.call_and_validate(
        session=cluster.session,
        headers=cluster.headers(caller(case.method, case.operation.path)),
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )
