"""The scan: gather every branch's inputs, run the rules at `now`, issue what is new.

Safe to run as often as the clock likes, on as many instances as are up: the rules are a pure
function of inputs and time, and issuing refuses a reminder that exists (see `issue`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.common.periods import local_date

from .. import metrics
from ..domain import rules
from ..domain.inputs import BranchInputs
from ..domain.life_rules import meetings_due, study_due
from ..domain.preferences import Thresholds
from ..queries import organisation
from .common import Log
from .issue import issue

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """A service the scan reads did not answer in time, or is not running."""


class Ledger(Protocol):
    def open_entries(self, branch_id: str, due_to: Any) -> list[dict[str, Any]]: ...

    def study_log(self, branch_id: str, year: int) -> list[dict[str, Any]]: ...

    def meeting_slots(self, branch_id: str, year: int) -> list[dict[str, Any]]: ...


class Appraisal(Protocol):
    def open_steps(self, at: datetime) -> list[dict[str, Any]]: ...


def scan(log: Log, ledger: Ledger, appraisal: Appraisal, now: datetime) -> dict[str, Any]:
    steps = appraisal.open_steps(now)
    branches = organisation.branches(log.db)
    decided = []
    for branch in branches:
        try:
            inputs = gather(log, ledger, branch, steps, now)
        except Unavailable as away:  # no branch can be read: try again on the next tick
            logger.warning("scan stopped, the ledger is away: %s", away)
            metrics.SCAN_SKIPS.labels("ledger").inc()
            return {"at": now.isoformat(), "branches": len(branches), "decided": 0, "issued": 0}
        except Exception:
            # One branch the ledger cannot answer for (not in its read model yet, a bad row)
            # must not hold back every other branch's reminders; it is tried again next scan.
            logger.exception("scan of branch %s skipped", branch[0])
            metrics.SCAN_SKIPS.labels("branch").inc()
            continue
        decided += rules.due(inputs, now)
    stored = issue(log, decided, now)
    return {
        "at": now.isoformat(),
        "branches": len(branches),
        "decided": len(decided),
        "issued": len(stored),
    }


def gather(
    log: Log,
    ledger: Ledger,
    branch: tuple[str, str, Thresholds],
    steps: list[dict[str, Any]],
    now: datetime,
) -> BranchInputs:
    """The branch's inputs; the study log and meetings only when a month's end is near."""
    branch_id, timezone, thresholds = branch
    today = local_date(now, timezone)
    inputs = BranchInputs(
        branch_id,
        timezone,
        thresholds,
        organisation.people(log.db, branch_id),
        steps=tuple(step for step in steps if step["branch_id"] == branch_id),
    )
    due_to = today + timedelta(days=thresholds.due_soon_days)
    return replace(
        inputs,
        entries=tuple(ledger.open_entries(branch_id, due_to)),
        study=tuple(ledger.study_log(branch_id, today.year) if study_due(inputs, today) else ()),
        slots=tuple(
            ledger.meeting_slots(branch_id, today.year) if meetings_due(inputs, today) else ()
        ),
    )
