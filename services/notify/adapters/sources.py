"""The other services the scan reads, over nameko RPC, each call bounded by a timeout.

nameko's RPC waits for ever when the target's queue exists but nobody consumes it (a service
that ran once and stopped); the timeout turns that into `Unavailable`, as does nameko's own
UnknownService when no queue exists at all.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import eventlet
from nameko.exceptions import UnknownService

from .. import metrics
from ..handlers.common import ACTOR
from ..handlers.scan import Unavailable

logger = logging.getLogger(__name__)
PAGE = 500  # the ledger's largest page
OPEN_STATUSES = ("planned", "in_progress")


def call(proxy: Any, method: str, timeout: float, **kwargs: Any) -> Any:
    try:
        reply = getattr(proxy, method).call_async(**kwargs)
        with eventlet.Timeout(timeout):
            return reply.result()
    except eventlet.Timeout:
        raise Unavailable(f"{method}: no answer within {timeout} s") from None
    except UnknownService as error:
        raise Unavailable(f"{method}: {error}") from None


class LedgerSource:
    """The ledger's calendar: unfinished occurrences, the study log, the meeting slots."""

    def __init__(self, proxy: Any, timeout: float):
        self.proxy, self.timeout = proxy, timeout

    def _ask(self, method: str, **kwargs: Any) -> Any:
        return call(self.proxy, method, self.timeout, actor_id=ACTOR, **kwargs)

    def open_entries(self, branch_id: str, due_to: date) -> list[dict[str, Any]]:
        """Every unfinished occurrence due by `due_to` (overdue ones included), all pages."""
        entries: list[dict[str, Any]] = []
        for status in OPEN_STATUSES:
            offset, total = 0, 1
            while offset < total:
                page = self._ask(
                    "list_entries",
                    branch_id=branch_id,
                    status=status,
                    due_to=due_to.isoformat(),
                    limit=PAGE,
                    offset=offset,
                )
                entries += page["entries"]
                offset, total = offset + PAGE, page["total"]
        return entries

    def study_log(self, branch_id: str, year: int) -> list[dict[str, Any]]:
        return self._ask("study_log", branch_id=branch_id, year=year)["members"]

    def meeting_slots(self, branch_id: str, year: int) -> list[dict[str, Any]]:
        return self._ask("org_life", branch_id=branch_id, year=year)["slots"]


class AppraisalSource:
    """The appraisal service's open steps; without it, the appraisal rules skip this scan."""

    def __init__(self, proxy: Any, timeout: float):
        self.proxy, self.timeout = proxy, timeout

    def open_steps(self, at: datetime) -> list[dict[str, Any]]:
        try:
            return call(self.proxy, "open_steps", self.timeout, actor_id=ACTOR, at=at.isoformat())
        except Unavailable as away:
            logger.warning("appraisal reminders skipped this scan: %s", away)
        except Exception:  # whatever the appraisal service answers, the ledger's rules still run
            logger.exception("appraisal reminders skipped this scan")
        metrics.SCAN_SKIPS.labels("appraisal").inc()
        return []
