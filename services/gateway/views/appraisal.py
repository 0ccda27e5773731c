"""The appraisal in the branch's views: its cycles, and how far each open one has come.

Which cycles a branch has, and how far each has come, both from the appraisal, asked as the
caller. Progress is counts only: never who wrote which peer review, nor who still owes one.
"""

from __future__ import annotations

from typing import Any

from ..errors import RemoteCallError

REVIEW_STEPS = ("self_review", "peer_review", "leader_review")
SHOWN = ("cycle_id", "kind", "period", "starts_on", "ends_on")  # of each open cycle


def open_cycles(ctx, actor_id: str, branch_id: str) -> list[dict[str, Any]]:
    appraisal = ctx.rpc("appraisal")
    try:
        listed = appraisal.list_cycles(actor_id=actor_id, branch_id=branch_id, status="open")
    except RemoteCallError as error:
        # The gateway let the caller read the branch (the ledger's roster says so): a refusal
        # here means the appraisal has not heard of the branch, or of the member, yet.
        if error.exc_type not in ("NotFound", "Forbidden"):
            raise
        return []
    return listed["cycles"]


def _progress(step: dict[str, Any]) -> dict[str, Any]:
    counted = {key: step[key] for key in ("step", "opens_at", "closes_at", "open")}
    if step["step"] in REVIEW_STEPS:
        expected, missing = step["expected"], step["missing"]
        counted |= {"expected": expected, "submitted": expected - missing, "missing": missing}
    return counted


def status(ctx, actor_id: str, branch_id: str) -> dict[str, Any]:
    """The dashboard's appraisal section: each open cycle, and per step its counts."""
    found = open_cycles(ctx, actor_id, branch_id)
    asked = [
        ("appraisal", "cycle", {"actor_id": actor_id, "cycle_id": c["cycle_id"]}) for c in found
    ]
    shown = [
        {**{key: cycle[key] for key in SHOWN}, "steps": [_progress(s) for s in cycle["steps"]]}
        for cycle in ctx.gather(asked)
    ]
    return {"open_cycles": shown}
