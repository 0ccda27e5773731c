"""The other services the scan reads, over nameko RPC, each call bounded by a timeout.

nameko's RPC waits for ever when the target's queue exists but nobody consumes it (a service
that ran once and stopped); the timeout turns that into `Unavailable`, as does nameko's own
UnknownService when no queue exists at all.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import eventlet
from nameko.exceptions import UnknownService

from .. import metrics
from ..handlers.common import ACTOR
from ..handlers.scan import Unavailable

logger = logging.getLogger(__name__)


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
    """The ledger's calendar of every branch at once: unfinished occurrences, the study log, the
    meeting slots (the ledger pages through them itself)."""

    def __init__(self, proxy: Any, timeout: float):
        self.proxy, self.timeout = proxy, timeout

    def scan_inputs(self, asked: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = call(self.proxy, "scan_inputs", self.timeout, actor_id=ACTOR, branches=asked)
        return answer["branches"]


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
