"""The gateway authorises from its own read model (reach/), as fresh as each request needs it.

The gateway here hears of the ledger's changes only by catching up itself: it has no handler of
the ledger's events on the bus, and its sweep runs at start and then once an hour. So what these
tests see is the gateway's own doing: a command through it takes effect for the next request
(read-your-writes), and what was written elsewhere (here through the ledger's RPC) is found once a
request would be refused otherwise. The caller is allowed when an empty command is answered 422
(authorised, then its fields are missing: nothing reaches the ledger), refused when it is 403.
"""

from __future__ import annotations

import uuid

import pytest

from eventlog import PostgresEventStore
from eventlog.nameko import ReadModel
from services.gateway.reach.projection import PROJECTION as REACH
from services.gateway.service import GatewayService
from services.gateway.users import handlers as users
from services.gateway.users.credentials import hash_password
from services.gateway.users.domain import RegisterUser

from .conftest import Cluster
from .world import PASSWORD

pytestmark = pytest.mark.servers


class UnhurriedGateway(GatewayService):
    """The gateway without the bus's news of the ledger and the appraisal, sweeping hourly."""

    reach = ReadModel(REACH, sweep_seconds=3600)
    on_ledger_event = None
    on_cycle_opened = None


@pytest.fixture(scope="module")
def cluster(settings, db):
    running = Cluster(settings, db, gateway=UnhurriedGateway)
    yield running
    running.stop()


def _person(cluster, db, through_gateway: bool, group: str = "own") -> tuple[str, dict]:
    """A new member of the own branch, admitted by its secretary through the gateway or by the
    ledger's RPC, with a user; (their id, the headers that sign them in)."""
    w = cluster.world
    person = f"p{uuid.uuid4().hex[:8]}"
    body = {"member_id": person, "name": "新同志", "group_id": w.groups[group]}
    if through_gateway:
        answer = cluster.post(
            f"/api/v1/branches/{w.branches['own']}/members", "secretary", json=body
        )
        assert answer.status_code == 200, answer.text
    else:
        cluster.call(
            "ledger", "admit_member", actor_id=w.people["secretary"], branch_id=w.branches["own"],
            **body,
        )  # fmt: skip
    store = PostgresEventStore(db, source="gateway")
    users.register(store, RegisterUser(person, person, hash_password(PASSWORD), False), "test")
    signed_in = cluster.session.post(
        f"{cluster.url}/api/v1/auth/token",
        json={"username": person, "password": PASSWORD},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    return person, {"Authorization": f"Bearer {signed_in.json()['access_token']}"}


def _forms_a_group(cluster, headers: dict) -> int:
    """The status of an empty 'form a group' (branch_admin): 422 allowed, 403 refused."""
    url = f"{cluster.url}/api/v1/branches/{cluster.world.branches['own']}/groups"
    return cluster.session.post(url, headers=headers, json={}, timeout=30).status_code


def test_a_member_admitted_a_role_granted_and_revoked_through_the_gateway_count_at_once(
    cluster, db
):
    """The revocation is the one a read model behind the log would miss: it would still allow
    the request, and there is no refusal to check again."""
    w = cluster.world
    person, headers = _person(cluster, db, through_gateway=True)
    me = cluster.session.get(f"{cluster.url}/api/v1/me", headers=headers, timeout=30).json()
    assert [b["branch_id"] for b in me["branches"]] == [w.branches["own"]]
    assert _forms_a_group(cluster, headers) == 403

    roles = f"/api/v1/branches/{w.branches['own']}/members/{person}/roles"
    granted = cluster.post(roles, "secretary", json={"role": "committee_member"})
    assert granted.status_code == 200, granted.text
    assert _forms_a_group(cluster, headers) == 422

    revoked = cluster.post(
        roles + "/revoke", "secretary", json={"role": "committee_member", "reason": "换届"}
    )
    assert revoked.status_code == 200, revoked.text
    assert _forms_a_group(cluster, headers) == 403


def test_what_was_written_elsewhere_is_found_before_a_refusal(cluster, db):
    w = cluster.world
    person, headers = _person(cluster, db, through_gateway=False)
    view = f"{cluster.url}/api/v1/branches/{w.branches['own']}/members/{person}/view"
    assert cluster.session.get(view, headers=headers, timeout=30).status_code == 200
    cluster.call(
        "ledger", "grant_role", actor_id=w.people["secretary"], branch_id=w.branches["own"],
        member_id=person, role="committee_member",
    )  # fmt: skip
    assert _forms_a_group(cluster, headers) == 422


def test_an_item_given_to_another_is_no_longer_its_former_owners(cluster, db):
    """The item was planned by the ledger's RPC (found when first named), then reassigned through
    the gateway: its former owner may no longer start it, its new one may."""
    w = cluster.world
    newcomer, newcomers = _person(cluster, db, through_gateway=True)
    item = f"it{uuid.uuid4().hex[:8]}"
    cluster.call(
        "ledger", "plan_item", actor_id=w.people["leader"], branch_id=w.branches["own"],
        item_id=item, level="member", kind="reform", cadence="once", title="走访",
        owner_id=w.people["member"], due_date=f"{w.year}-12-20",
    )  # fmt: skip
    start = f"/api/v1/items/{item}/start"
    assert cluster.post(start, "member", json={}).status_code == 422
    reassigned = cluster.post(
        f"/api/v1/items/{item}/reassign", "leader", json={"owner_id": newcomer}
    )
    assert reassigned.status_code == 200, reassigned.text
    assert cluster.post(start, "member", json={}).status_code == 403
    by_newcomer = cluster.session.post(cluster.url + start, headers=newcomers, json={}, timeout=30)
    assert by_newcomer.status_code == 422
