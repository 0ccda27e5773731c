"""Opening a cycle: the plan's shape is checked once, here, so later steps can trust it. Pure."""

from __future__ import annotations

import re

from eventlog.model import NewEvent
from services.common.periods import period_bounds

from ..exceptions import BadInput, InvalidTransition
from .commands import OpenCycle
from .cycle import GRADES, PEER_MODES, REVIEW_STEPS, Cycle

PERIODS = {
    "quarterly": (r"^\d{4}-Q[1-4]$", "YYYY-Qn"),
    "half_year": (r"^\d{4}-H[12]$", "YYYY-H1 or YYYY-H2"),
    "year_end": (r"^\d{4}$", "YYYY"),
}
WEIGHT_TOLERANCE = 1e-6


def decide_open(state: Cycle, cmd: OpenCycle) -> list[NewEvent]:
    if state.plan:
        raise InvalidTransition(f"appraisal cycle {cmd.cycle_id} is already open")
    _check(cmd)
    starts_on, ends_on = period_bounds(cmd.period)
    data = {
        "cycle_id": cmd.cycle_id,
        "branch_id": cmd.branch_id,
        "kind": cmd.kind,
        "period": cmd.period,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "peer_scope": cmd.peer_scope,
        "peer_mode": cmd.peer_mode,
        "windows": {step: window.as_dict() for step, window in cmd.windows.items()},
        "weights": dict(cmd.weights),
        "bands": dict(cmd.bands),
    }
    return [NewEvent("CycleOpened", data, schema_version=2)]


def _check(cmd: OpenCycle) -> None:
    errors: dict[str, list[str]] = {}
    pattern, shape = PERIODS[cmd.kind]
    if not re.match(pattern, cmd.period):
        errors["period"] = [f"a {cmd.kind} cycle's period reads {shape}"]
    if cmd.peer_mode not in PEER_MODES:
        errors["peer_mode"] = [f"one of {', '.join(PEER_MODES)}"]
    windows = cmd.windows
    if any(w.opens_at >= w.closes_at for w in windows.values()):
        errors["windows"] = ["each window opens before it closes"]
    elif any(windows["finalisation"].opens_at < windows[s].opens_at for s in REVIEW_STEPS):
        errors["windows"] = ["finalisation opens after every review window has opened"]
    if abs(sum(cmd.weights.values()) - 1) > WEIGHT_TOLERANCE:
        errors["weights"] = ["the weights add up to 1"]
    bounds = [cmd.bands[grade] for grade in GRADES[:-1]]
    if bounds != sorted(bounds, reverse=True) or len(set(bounds)) < len(bounds):
        errors["bands"] = ["excellent > competent > basically_competent"]
    if errors:
        raise BadInput(errors)
