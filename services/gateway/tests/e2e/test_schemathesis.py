"""Property-based requests from /openapi.json (schemathesis): no 5xx, and every answer matches
the schema the description gives for its status. Bounded: a few examples per operation, as the
institution committee (also the administrator), so requests get past authentication, and with
the path naming resources that exist, so bodies and queries reach the services' handlers."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .test_matrix import _values

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
        headers=cluster.headers("committee"),
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )
