"""The appraisal's producers: a cycle of the ledger world's branch, its reviews, reopenings,
commentary with rectifications, and finalisation, each by one of the appraisal's own commands
(services/appraisal/service.py). The roster is the branch as the ledger's log tells it."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from hypothesis import strategies as st

from services.appraisal.domain.cycle import DIMENSIONS, INPUTS, REVIEW_STEPS, STEPS, Cycle, evolve
from services.appraisal.domain.progress import Submitted
from services.appraisal.domain.roster import Roster
from services.appraisal.handlers.common import Context
from services.appraisal.service import COMMANDS
from services.common.errors import NotFound
from services.common.handlers import EventStore, load
from services.ledger.domain import branch as b
from services.ledger.domain import institution as i

from .ledger_world import Ledger
from .world import TEXT, World

KEY = b"a key for the appraisal's producers"
PERIODS = [("quarterly", "2026-Q2"), ("half_year", "2026-H1"), ("year_end", "2026")]
SCORES = st.fixed_dictionaries({name: st.floats(0, 100) for name in DIMENSIONS})
RATE = st.none() | st.floats(0, 1)
COUNT = st.integers(0, 12)


def roster_of(store: EventStore, branch_id: str) -> Roster:
    """The roster the appraisal's read model would hold, from the ledger's streams."""
    branch, version = load(store, f"branch-{branch_id}", b.evolve, b.Branch())
    if not version:
        raise NotFound(f"branch {branch_id} does not exist")
    stream = f"institution-{branch.institution_id}"
    institution, _ = load(store, stream, i.evolve, i.Institution())
    members = {m.member_id: m.group_id for m in branch.members.values()}
    committee = frozenset(institution.committee)
    return Roster(
        branch_id, branch.institution_id, members, branch.roles, committee, institution.timezone
    )


def measured(world: World, branch_id: str, members, start: date, end: date) -> dict:
    """The ledger's members_measures answer, one record a member, with drawn figures."""
    record = st.fixed_dictionaries(
        {
            "ledger": st.fixed_dictionaries(
                {"due": COUNT, "on_time": COUNT, "on_time_rate": RATE, "by_kind": st.just({})}
            ),
            "study": st.fixed_dictionaries(
                {"months": COUNT, "meeting_rule": COUNT, "rate": RATE, "articles": COUNT}
            ),
            "attendance": st.fixed_dictionaries(
                {"present": COUNT, "on_leave": COUNT, "absent": COUNT, "rate": RATE}
            ),
        }
    )
    window = {"start": start.isoformat(), "end": end.isoformat()}
    return {m: {"member_id": m, **window, **world.draw(record)} for m in members}


def play(ledger: Ledger) -> None:
    world = ledger.world
    ctx = Context(world.store, partial(roster_of, world.store), KEY, partial(measured, world))
    cycle = world.id("c")
    # The branch's members now, and one who left (if any): the reviews are theirs to write.
    current = sorted(roster_of(world.store, ledger.branch).members)
    people = current + [m for m in ledger.members if m not in current][:1]

    def run(command: str, /, **payload: Any) -> list:
        payload = {"actor_id": ledger.founder, "cycle_id": cycle, **payload}
        return world.command(COMMANDS, command, payload, ctx)

    kind, period = world.pick(PERIODS)
    mode = world.pick([{}, {"peer_mode": "anonymous"}, {"peer_mode": "open"}])  # {}: anonymous
    run(
        "open_cycle",
        branch_id=ledger.branch,
        kind=kind,
        period=period,
        peer_scope=world.pick(["group", "branch"]),
        windows=_windows(world),
        **mode,
        **_weights(world),
    )
    for _ in world.times(12):
        op = world.pick(["self", "peer", "peer", "leader", "reopen"])
        if op == "self":
            run(
                "submit_self_review",
                actor_id=world.pick(people),
                scores=world.draw(SCORES),
                problems=world.draw(TEXT),
            )
        elif op == "peer":
            reviewer = world.pick(people)
            reviewee = world.pick([m for m in people if m != reviewer] or people)
            run(
                "submit_peer_review",
                actor_id=reviewer,
                reviewee_id=reviewee,
                scores=world.draw(SCORES),
                comments=world.draw(st.just("") | TEXT),
            )
        elif op == "leader":
            member = world.pick(people)
            run(
                "submit_leader_comment",
                actor_id=_commentator(world, ledger, member),
                member_id=member,
                score=world.draw(st.floats(0, 100)),
                comment=world.draw(TEXT),
                rectifications=_rectifications(world),
            )
        else:
            run("reopen_review", reason="补充", **_reopened(world, ledger, cycle))
    run("finalise_cycle", missing_reviews_reason=world.pick(["病假", None]))


def _commentator(world: World, ledger: Ledger, member: str) -> str:
    """Mostly someone who may comment on the member: their group leader or a secretary."""
    roster = roster_of(world.store, ledger.branch)
    secretaries = {who for who, role, _ in roster.roles if role == "secretary"}
    allowed = sorted((secretaries | set(roster.commentators(member))) - {member})
    return world.pick(allowed or ledger.members)


def _windows(world: World) -> dict[str, dict[str, str]]:
    """Open now, or already closed (finalisation: open now, or not yet). The commentary's is
    open: it is what raises the rectifications."""
    day = timedelta(days=1)
    shapes = {"open": (-day, day), "closed": (-3 * day, -2 * day), "later": (day, 2 * day)}
    windows = {}
    for step in STEPS:
        shut = {"finalisation": "later", "leader_review": "open"}.get(step, "closed")
        opens, closes = (world.now + delta for delta in shapes[world.pick(["open"] * 3 + [shut])])
        windows[step] = {"opens_at": opens.isoformat(), "closes_at": closes.isoformat()}
    return windows


def _weights(world: World) -> dict[str, Any]:
    """The default weights, or all on one input (the others' weight is zero)."""
    if world.draw(st.booleans()):
        return {}
    only = world.pick(INPUTS)
    return {"weights": {name: float(name == only) for name in INPUTS}}


def _rectifications(world: World) -> list[dict[str, str]]:
    due = st.dates(world.now.date() - timedelta(days=2), world.now.date() + timedelta(days=200))
    item = st.fixed_dictionaries({"title": TEXT, "due_date": due.map(date.isoformat)})
    return [world.draw(item) for _ in range(world.pick([1, 0, 2]))]


def _reopened(world: World, ledger: Ledger, cycle_id: str) -> dict[str, Any]:
    """A review of the cycle to reopen: by its member, or a peer review by its review id."""
    step = world.pick(REVIEW_STEPS)
    state, _ = load(world.store, f"cycle-{cycle_id}", evolve, Cycle())
    submitted = Submitted.of(state) if state.plan else Submitted()
    if step != "peer_review":
        written = submitted.leader_comments if step == "leader_review" else submitted.self_reviews
        return {"step": step, "member_id": world.pick(sorted(written) or ledger.members)}
    return {"step": step, "review_id": world.pick(sorted(submitted.peer_reviews) or ["nope"])}
