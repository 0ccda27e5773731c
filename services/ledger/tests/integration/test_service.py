"""The nameko service in a real container: RPC methods validate, command, and read their writes."""

from __future__ import annotations

import uuid

import pytest
from nameko.testing.services import entrypoint_hook

from services.ledger.exceptions import BadInput, Forbidden
from services.ledger.service import LedgerService

pytestmark = pytest.mark.servers


@pytest.fixture
def ledger(container_factory, settings):
    container = container_factory(LedgerService, {"AMQP_URI": settings.amqp_uri})
    container.start()

    def call(method: str, **payload):
        with entrypoint_hook(container, method) as hook:
            return hook(**payload)

    return call


def test_commands_and_queries_through_rpc(ledger):
    run = uuid.uuid4().hex[:8]
    boss, inst, branch, sec, m1 = (f"{p}{run}" for p in ("boss", "i", "b", "sec", "m"))
    ledger(
        "register_institution",
        actor_id=boss,
        institution_id=inst,
        name="机关",
        founders=[{"person_id": boss, "name": "书记"}],
    )
    ledger("register_branch", actor_id=boss, institution_id=inst, branch_id=branch, name="一支部")
    group = ledger("form_group", actor_id=boss, branch_id=branch, name="一组")["id"]
    for person in (sec, m1):
        ledger(
            "admit_member",
            actor_id=boss,
            branch_id=branch,
            member_id=person,
            name=person,
            group_id=group,
        )
    ledger("grant_role", actor_id=boss, branch_id=branch, member_id=sec, role="secretary")
    planned = ledger(
        "plan_item",
        actor_id=sec,
        branch_id=branch,
        level="member",
        kind="reform",
        cadence="once",
        title="调研报告",
        owner_id=m1,
        due_date="2026-06-30",
    )
    assert planned["version"] == 1 and planned["events"] == ["ItemPlanned"]
    done = ledger("complete_occurrence", actor_id=m1, item_id=planned["id"], period="once")
    assert done["events"] == ["ItemStarted", "ItemCompleted"]

    item = ledger("item", actor_id=m1, item_id=planned["id"])
    assert item["occurrences"][0]["status"] == "done"  # read-your-writes
    roles = ledger("member_roles", person_id=sec)["branches"][0]["roles"]
    assert roles == [{"role": "secretary", "group_id": None}]
    page = ledger("list_entries", actor_id=sec, branch_id=branch, status="done")
    assert page["total"] == 1
    assert ledger("branch", actor_id=m1, branch_id=branch)["groups"][0]["members"] == sorted(
        [sec, m1]
    )


def test_bad_input_names_the_fields(ledger):
    with pytest.raises(BadInput) as refused:
        ledger(
            "plan_item",
            actor_id="x",
            branch_id="b",
            level="galaxy",
            kind="reform",
            cadence="once",
            title="t",
            extra=1,
        )
    assert set(refused.value.messages) == {"level", "extra"}


def test_strangers_may_not_read_a_branch(ledger):
    run = uuid.uuid4().hex[:8]
    ledger(
        "register_institution",
        actor_id=f"p{run}",
        institution_id=f"i{run}",
        name="n",
        founders=[{"person_id": f"p{run}", "name": "P"}],
    )
    ledger(
        "register_branch",
        actor_id=f"p{run}",
        institution_id=f"i{run}",
        branch_id=f"b{run}",
        name="b",
    )
    with pytest.raises(Forbidden):
        ledger("branch", actor_id="stranger", branch_id=f"b{run}")
    assert ledger("branch", actor_id=f"p{run}", branch_id=f"b{run}")["members"] == []
