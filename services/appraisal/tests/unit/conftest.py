"""A branch's roster, the in-memory log and a ledger that answers fixed measures: the fakes of
the appraisal's ports, and a cycle opened through the handlers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventlog.memory import InMemoryEventStore
from services.appraisal.domain.commands import OpenCycle
from services.appraisal.domain.cycle import DEFAULT_BANDS, DEFAULT_WEIGHTS, Window
from services.appraisal.domain.roster import Roster
from services.appraisal.exceptions import NotFound
from services.appraisal.handlers import cycles
from services.appraisal.handlers.common import Context

KEY = b"unit-test-key"
OPENED = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
SELF_AT, PEER_AT, LEADER_AT, FINAL_AT = (
    datetime(2026, 4, day, 2, 0, tzinfo=UTC) for day in (2, 6, 11, 16)
)
WINDOWS = {
    "self_review": Window(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)),
    "peer_review": Window(datetime(2026, 4, 5, tzinfo=UTC), datetime(2026, 4, 15, tzinfo=UTC)),
    "leader_review": Window(datetime(2026, 4, 10, tzinfo=UTC), datetime(2026, 4, 20, tzinfo=UTC)),
    "finalisation": Window(datetime(2026, 4, 15, tzinfo=UTC), datetime(2026, 4, 30, tzinfo=UTC)),
}
# member → group; sec and gl1 are in g1 with m1 and m2, com and gl2 in g2 with m3.
MEMBERS = {"sec": "g1", "gl1": "g1", "m1": "g1", "m2": "g1", "com": "g2", "gl2": "g2", "m3": "g2"}
ROLES = frozenset(
    {
        ("sec", "secretary", None),
        ("com", "committee_member", None),
        ("gl1", "group_leader", "g1"),
        ("gl2", "group_leader", "g2"),
    }
)
ROSTER = Roster("b1", "i1", MEMBERS, ROLES, frozenset({"boss"}))
MEASURES = {
    "start": "2026-01-01",
    "end": "2026-03-31",
    "ledger": {"due": 4, "done": 4, "on_time": 3, "rate": 1.0, "on_time_rate": 0.75, "by_kind": {}},
    "study": {"months": 3, "meeting_rule": 3, "rate": 1.0, "articles": 6},
    "attendance": {"present": 4, "on_leave": 1, "absent": 1, "rate": 0.8},
}


class FakeLedger:
    """Answers member_measures with fixed figures and remembers who was asked."""

    def __init__(self):
        self.asked: list[tuple] = []

    def __call__(self, branch_id, members, start, end):
        self.asked.append((branch_id, tuple(members), start, end))
        return {member: MEASURES for member in members}


def rosters(branch_id: str) -> Roster:
    if branch_id != "b1":
        raise NotFound(f"branch {branch_id} does not exist")
    return ROSTER


@pytest.fixture
def ctx() -> Context:
    return Context(InMemoryEventStore(source="appraisal"), rosters, KEY, FakeLedger())


def open_command(**changes) -> OpenCycle:
    fields = dict(
        actor_id="sec",
        cycle_id="c1",
        branch_id="b1",
        kind="quarterly",
        period="2026-Q1",
        peer_scope="group",
        windows=WINDOWS,
        weights=DEFAULT_WEIGHTS,
        bands=DEFAULT_BANDS,
    )
    return OpenCycle(**{**fields, **changes})


@pytest.fixture
def opened(ctx) -> Context:
    cycles.open_cycle(open_command(), ctx, OPENED)
    return ctx
