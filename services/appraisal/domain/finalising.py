"""Finalising a cycle: the measures frozen as evidence, then every member's score. Pure.

The measures come from the ledger (its `member_measures`) and are recorded in the cycle's own
stream, so that the archive shows the evidence and a rebuild never asks the ledger again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eventlog import Event

from ..events import CycleFinalised, MeasuresRecorded
from ..exceptions import MissingReviews, WindowClosed
from . import scoring
from .commands import FinaliseCycle
from .cycle import Cycle, require_running
from .progress import Progress

MEASURES_SOURCE = "ledger.member_measures"


def require_finalisable(
    state: Cycle, cmd: FinaliseCycle, progress: Progress, now: datetime
) -> None:
    """Checked before the ledger is asked, and again when deciding."""
    require_running(state)
    window = state.window("finalisation")
    if not window.contains(now):
        raise WindowClosed(
            f"finalisation is open from {window.opens_at.isoformat()}"
            f" until {window.closes_at.isoformat()}"
        )
    missing = {step: n for step, n in progress.missing().items() if n}
    if missing and not cmd.missing_reviews_reason:
        owed = ", ".join(f"{n} {step}" for step, n in missing.items())
        raise MissingReviews(f"reviews are missing ({owed}): record the reason to finalise")


def decide_finalise(
    state: Cycle,
    cmd: FinaliseCycle,
    progress: Progress,
    measures: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> list[Event]:
    """`measures`: the ledger's member_measures answer for every current member."""
    require_finalisable(state, cmd, progress, now)
    members = sorted(progress.roster.members)
    recorded = {member: frozen(member, measures[member]) for member in members}
    results = [result_of(state, member, recorded[member].data) for member in members]
    finalised = CycleFinalised(
        results=results,
        missing_reviews=progress.missing(),
        missing_reviews_reason=cmd.missing_reviews_reason or None,
    )
    return [*recorded.values(), finalised]


def frozen(member_id: str, answer: Mapping[str, Any]) -> MeasuresRecorded:
    """The part of the ledger's answer the score uses, kept as evidence."""
    ledger = answer["ledger"]
    return MeasuresRecorded(
        member_id=member_id,
        start=answer["start"],
        end=answer["end"],
        ledger={
            "overall": ledger["on_time_rate"],
            "due": ledger["due"],
            "on_time": ledger["on_time"],
            "by_kind": ledger["by_kind"],
        },
        study=dict(answer["study"]),
        attendance=dict(answer["attendance"]),
        source=MEASURES_SOURCE,
    )


def result_of(state: Cycle, member_id: str, measures: Mapping[str, Any]) -> dict[str, Any]:
    own = state.locked("self_review").get(member_id)
    peers = [
        r["scores"] for r in state.locked("peer_review").values() if r["reviewee_id"] == member_id
    ]
    leader = state.locked("leader_review").get(member_id)
    inputs = scoring.inputs_of(
        own["scores"] if own else None, peers, leader["score"] if leader else None, measures
    )
    scored = scoring.final(inputs, state.plan["weights"], state.plan["bands"])
    scored["breakdown"]["peer_reviews"] = len(peers)
    return {"member_id": member_id, **scored}
