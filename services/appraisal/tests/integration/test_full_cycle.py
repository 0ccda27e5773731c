"""A whole cycle through the RPC of both services, on the real RabbitMQ and PostgreSQL:
open → self → peer → leader (raising a rectification) → finalise with the ledger's measures →
the rectification planned in the member's ledger → completed there → closed in the archive."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from eventlog import utcnow
from services.appraisal.domain.cycle import DIMENSIONS, STEPS
from services.appraisal.queries.common import load_roster
from services.appraisal.service import AppraisalService
from services.ledger.service import LedgerService
from tests.support import NOT_YET, wait_for

from .scenario import PEOPLE, seed

pytestmark = pytest.mark.servers


CLIENT = "one-client-all-along"


@pytest.fixture
def rpc(container_factory, rabbit_config, settings):
    """Both services on a vhost of this test's own: no message of an earlier run is waiting. The
    caller gives one correlation id to all its calls, as a client may."""
    config = {"AMQP_URI": rabbit_config["AMQP_URI"]}
    for service in (LedgerService, AppraisalService):
        container_factory(service, config).start()
    with ClusterRpcProxy(config, context_data={"correlation_id": CLIENT}) as proxy:
        yield proxy


def open_windows() -> dict[str, dict[str, str]]:
    now = utcnow()
    times = {"opens_at": (now - timedelta(hours=1)).isoformat()}
    times["closes_at"] = (now + timedelta(hours=1)).isoformat()
    return dict.fromkeys(STEPS, times)


def refused(call, **payload) -> str:
    with pytest.raises(RemoteError) as error:
        call(**payload)
    return error.value.exc_type


def test_a_full_cycle_through_both_services(rpc, db, ledger_store, appraisal_store):
    ids = seed(ledger_store)
    sec, gl, m1, m2 = (ids[p] for p in PEOPLE)
    # Both read models catch up with the seeded ledger: the appraisal's roster, and the ledger's
    # own, which answers the measures.
    wait_for(
        lambda: len(load_roster(db, ids["branch"]).roles) == 2,
        20,
        "the appraisal's roster of the branch",
        retrying=NOT_YET,
    )
    wait_for(
        lambda: rpc.ledger.branch(actor_id=sec, branch_id=ids["branch"])["members"],
        20,
        "the ledger's members of the branch",
        retrying=NOT_YET,
    )
    appraisal = rpc.appraisal
    cycle = appraisal.open_cycle(
        actor_id=sec, branch_id=ids["branch"], kind="quarterly", period="2026-Q3",
        windows=open_windows(),
    )["id"]  # fmt: skip
    assert refused(appraisal.open_cycle, actor_id=m1, branch_id=ids["branch"], kind="quarterly",
                   period="2026-Q3", windows=open_windows()) == "Forbidden"  # fmt: skip

    for n, person in enumerate(PEOPLE):
        scores = dict.fromkeys(DIMENSIONS, 80 + n)
        appraisal.submit_self_review(actor_id=ids[person], cycle_id=cycle, scores=scores,
                                     problems="学习不够深入")  # fmt: skip
        for peer in (p for p in PEOPLE if p != person):
            review = dict(reviewee_id=ids[peer], scores=scores, comments="好")
            appraisal.submit_peer_review(actor_id=ids[person], cycle_id=cycle, **review)
    again = dict(actor_id=m2, cycle_id=cycle, reviewee_id=m1, scores=scores, comments="again")
    assert refused(appraisal.submit_peer_review, **again) == "AlreadySubmitted"
    assert refused(appraisal.submit_peer_review, **{**again, "reviewee_id": m2}) == "BadInput"

    rectification = {"title": "加强理论学习", "due_date": "2026-12-31"}
    commented = appraisal.submit_leader_comment(
        actor_id=gl, cycle_id=cycle, member_id=m1, score=90, comment="认真负责",
        rectifications=[rectification],
    )  # fmt: skip
    assert commented["events"] == ["LeaderCommentSubmitted", "RectificationRaised"]
    for member in (sec, m2):
        appraisal.submit_leader_comment(actor_id=gl, cycle_id=cycle, member_id=member, score=85,
                                        comment="好")  # fmt: skip
    appraisal.submit_leader_comment(actor_id=sec, cycle_id=cycle, member_id=gl, score=88,
                                    comment="好")  # fmt: skip

    status = appraisal.cycle(actor_id=sec, cycle_id=cycle)
    assert [s.get("missing") for s in status["steps"]] == [0, 0, 0, None]
    _assert_anonymous(appraisal_store, cycle, ids)

    appraisal.finalise_cycle(actor_id=sec, cycle_id=cycle)
    mine = appraisal.results(actor_id=m1, cycle_id=cycle)["results"]
    assert [r["member_id"] for r in mine] == [m1]  # a member sees only their own result
    measures = mine[0]["measures"]
    assert measures["ledger"]["overall"] == pytest.approx(0.6667)  # two of three on time
    assert (measures["study"]["rate"], measures["attendance"]["rate"]) == (1.0, 1.0)
    # self 82, peer 81.33 (80, 81, 83), leader 90, ledger 66.67, study 100, attendance 100
    assert (mine[0]["score"], mine[0]["grade"]) == (82.5, "competent")
    assert len(appraisal.results(actor_id=sec, cycle_id=cycle)["results"]) == 4
    about = appraisal.peer_reviews_about(actor_id=m1, cycle_id=cycle, member_id=m1)
    assert len(about["reviews"]) == 3
    assert not [ids[p] for p in PEOPLE if ids[p] in json.dumps(about["reviews"])]

    item_id = f"{cycle}.r1"
    item = wait_for(
        lambda: rpc.ledger.item(actor_id=m1, item_id=item_id),
        20,
        "the rectification in the member's ledger",
        retrying=NOT_YET,
    )
    assert (item["kind"], item["owner_id"], item["level"]) == ("rectification", m1, "member")
    assert item["source"] == {"cycle_id": cycle, "raised_by": gl}
    rpc.ledger.complete_occurrence(actor_id=m1, item_id=item_id, period="once", note="已整改")

    def closed():
        found = appraisal.archive(actor_id=m1, member_id=m1)["rectifications"]
        return found if found and found[0]["status"] == "done" else None

    done = wait_for(closed, 20, "the rectification closed in the archive", retrying=NOT_YET)
    assert done[0]["note"] == "已整改"
    record = appraisal.archive(actor_id=sec, member_id=m1)
    assert [(c["cycle_id"], c["grade"]) for c in record["cycles"]] == [(cycle, "competent")]
    assert record["cycles"][0]["breakdown"]["inputs"]["peer"]["value"] == 81.33


def _assert_anonymous(store, cycle: str, ids: dict[str, str]) -> None:
    """No stored peer review, data or metadata, names any member as its author, nor shares an
    actor or a correlation id with another (the RPC's correlation id would link one caller's)."""
    reviews = [e for e in store.read_stream(f"cycle-{cycle}") if e.type == "PeerReviewSubmitted"]
    assert len(reviews) == 12
    for event in reviews:
        text = json.dumps(asdict(event), default=str)
        authors = [ids[p] for p in PEOPLE if ids[p] in text and ids[p] != event.data["reviewee_id"]]
        assert authors == [] and event.actor_id == event.data["review_id"]
        assert event.correlation_id == event.data["review_id"]
    assert len({event.actor_id for event in reviews}) == 12
