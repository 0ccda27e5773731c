"""The gateway's routes to the services' commands come from the services' command tables: every
command has its route, with the service's own schema, and a command without one is refused."""

from __future__ import annotations

import pytest

from services.appraisal.schemas import commands as appraisal
from services.gateway.access import branch_admin
from services.gateway.endpoints import appraisal as appraisal_routes
from services.gateway.endpoints import ledger as ledger_routes
from services.gateway.endpoints.base import commands, route
from services.gateway.schemas.attachments import ReceivedFile
from services.ledger.schemas import commands as ledger


@pytest.mark.parametrize(
    ("table", "endpoints"),
    [(ledger.COMMANDS, ledger_routes.COMMANDS), (appraisal.COMMANDS, appraisal_routes.COMMANDS)],
)
def test_every_command_of_a_service_is_routed_with_its_schema(table, endpoints):
    assert [e.name for e in endpoints] == list(table)
    assert all(e.method == "POST" for e in endpoints)
    for endpoint in endpoints:
        command = set(table[endpoint.name]._declared_fields)
        if endpoint.upload:  # a form, whose file's description (uploads.py) gives the rest
            form = set(endpoint.fields()) - {"file"} | set(ReceivedFile._declared_fields)
            assert form <= command and endpoint.schema is not table[endpoint.name]
        else:
            assert endpoint.schema is table[endpoint.name]


def test_a_command_without_a_route_or_a_route_to_none_is_refused():
    table = {"plan_item": ledger.PlanItem, "start_item": ledger.StartItem}
    routes = {
        "plan_item": route("/x", branch_admin, "x"),
        "stop_item": route("/y", branch_admin, "y"),
    }
    with pytest.raises(LookupError, match=r"without a route: \['start_item'\].*\['stop_item'\]"):
        commands(table, routes)
