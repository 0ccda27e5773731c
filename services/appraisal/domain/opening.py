"""Opening a cycle: the plan's shape is checked once, here, so later steps can trust it. Pure."""

from __future__ import annotations

import re

from eventlog import Event
from services.common.periods import period_bounds

from ..events import CycleOpened
from ..exceptions import BadInput, InvalidTransition
from .commands import OpenCycle
from .cycle import GRADES, PEER_MODES, REVIEW_STEPS, Cycle

PERIODS = {
    "quarterly": (r"^\d{4}-Q[1-4]$", "YYYY-Qn"),
    "half_year": (r"^\d{4}-H[12]$", "YYYY-H1 or YYYY-H2"),
    "year_end": (r"^\d{4}$", "YYYY"),
}
WEIGHT_TOLERANCE = 1e-6


def decide_open(state: Cycle, cmd: OpenCycle) -> list[Event]:
    if state.plan:
        raise InvalidTransition(f"appraisal cycle {cmd.cycle_id} is already open")
    _check(cmd)
    starts_on, ends_on = period_bounds(cmd.period)
    windows = {step: window.as_dict() for step, window in cmd.windows.items()}
    return [CycleOpened.taking(cmd, starts_on=starts_on, ends_on=ends_on, windows=windows)]


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
