"""The scan: gather every branch's inputs, run the rules at `now`, issue what is new.

Safe to run as often as the clock likes, on as many instances as are up: the rules are a pure
function of inputs and time, and issuing refuses a reminder that exists (see `issue`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from .. import metrics
from ..domain import rules
from ..domain.inputs import BranchInputs
from ..domain.life_rules import meetings_due, study_due
from ..queries import organisation
from .common import Log
from .issue import issue

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """A service the scan reads did not answer in time, or is not running."""


class Ledger(Protocol):
    def scan_inputs(self, asked: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Per branch asked (branch_id, due_to, study_year, slots_year): its open occurrences,
        study log and meeting slots, or `refused` with why the ledger cannot answer."""
        ...


class Appraisal(Protocol):
    def open_steps(self, at: datetime) -> list[dict[str, Any]]: ...


def scan(log: Log, ledger: Ledger, appraisal: Appraisal, now: datetime) -> dict[str, Any]:
    steps = appraisal.open_steps(now)
    branches = organisation.branches(log.db)
    bases = [base_inputs(log, branch, steps, now) for branch in branches]
    try:  # every branch in one call: a scan's time must not grow by round trips per branch
        answers = ledger.scan_inputs([asked(inputs, now) for inputs in bases])
    except Unavailable as away:  # nothing can be read: try again on the next tick
        logger.warning("scan stopped, the ledger is away: %s", away)
        metrics.SCAN_SKIPS.labels("ledger").inc()
        return {"at": now.isoformat(), "branches": len(branches), "decided": 0, "issued": 0}
    decided = []
    for inputs, answer in zip(bases, answers, strict=True):
        if "refused" in answer:
            # One branch the ledger cannot answer for (not in its read model yet) must not hold
            # back every other branch's reminders; it is tried again next scan.
            logger.warning("scan of branch %s skipped: %s", inputs.branch_id, answer["refused"])
            metrics.SCAN_SKIPS.labels("branch").inc()
            continue
        decided += rules.due(with_answer(inputs, answer), now)
    stored = issue(log, decided, now)
    return {
        "at": now.isoformat(),
        "branches": len(branches),
        "decided": len(decided),
        "issued": len(stored),
    }


def base_inputs(
    log: Log, branch: organisation.KnownBranch, steps: list[dict[str, Any]], now: datetime
) -> BranchInputs:
    """What notify knows of a branch itself: its name, people, thresholds, appraisal steps."""
    return BranchInputs(
        branch.branch_id,
        branch.timezone,
        branch.thresholds,
        organisation.people(log.db, branch.branch_id),
        name=branch.name,
        steps=tuple(step for step in steps if step["branch_id"] == branch.branch_id),
    )


def asked(inputs: BranchInputs, now: datetime) -> dict[str, Any]:
    """What to ask the ledger of the branch: the study log and meetings only near a month's end."""
    today = inputs.today(now)
    return {
        "branch_id": inputs.branch_id,
        "due_to": (today + timedelta(days=inputs.thresholds.due_soon_days)).isoformat(),
        "study_year": today.year if study_due(inputs, today) else None,
        "slots_year": today.year if meetings_due(inputs, today) else None,
    }


def with_answer(inputs: BranchInputs, answer: dict[str, Any]) -> BranchInputs:
    return replace(
        inputs,
        entries=tuple(answer["entries"]),
        study=tuple(answer["study"]),
        slots=tuple(answer["slots"]),
    )
