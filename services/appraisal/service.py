"""The appraisal as a nameko service: thin RPC methods over the handlers and queries.

Each method validates its keyword arguments with a schema, calls one handler or query, and
returns plain JSON. A command's events are applied to the read model before it returns (the
caller reads its own write). The roster and the rectification items come from the ledger's
events, by the bus and the sweep; the measures, by RPC to the ledger at finalisation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from eventlog import utcnow
from eventlog.nameko import EventLog, LogRelay, ReadModel
from services.common.actors import service_actor
from services.common.handlers import EventStore
from services.common.messaging import RpcProxy, event_handler, rpc
from services.common.observability import CorrelationLogging, EntrypointMetrics
from services.common.rpc import add_command_methods, bound
from services.common.schemas import load

from .config import PseudonymKey
from .exceptions import EXPECTED
from .handlers import cycles as cycle_handlers
from .handlers import reviews as review_handlers
from .handlers.common import Context
from .projection import PROJECTION
from .queries import cycles
from .queries import results as result_queries
from .queries.common import load_roster
from .schemas import commands as cs
from .schemas import queries as qs

# RPC name → (schema, handler): every command the service accepts.
COMMANDS = bound(cs.COMMANDS, cycle_handlers, review_handlers)
ACTOR = service_actor("appraisal")


class AppraisalService:
    name = "appraisal"

    log = EventLog()
    read_model = ReadModel(PROJECTION)
    relay = LogRelay()
    entrypoint_metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()
    pseudonym_key = PseudonymKey()
    ledger = RpcProxy("ledger")

    @event_handler("appraisal", "#")
    def on_event(self, body: dict[str, Any]) -> None:
        self.read_model.handle(body)

    @event_handler("ledger", "#")
    def on_ledger_event(self, body: dict[str, Any]) -> None:
        self.read_model.handle(body)

    def context(self, store: EventStore) -> Context:
        roster = partial(load_roster, self.read_model.db)
        return Context(store, roster, self.pseudonym_key, self.measures)

    def measures(
        self, branch_id: str, members: Sequence[str], start: date, end: date
    ) -> Mapping[str, Mapping[str, Any]]:
        """Asks the ledger for the whole roster in one call (one answer per member)."""
        if not members:  # the ledger refuses an empty list: nobody to measure
            return {}
        answer = self.ledger.members_measures(
            actor_id=ACTOR,
            branch_id=branch_id,
            member_ids=list(members),
            start=start.isoformat(),
            end=end.isoformat(),
        )
        return {record["member_id"]: record for record in answer["members"]}

    # Queries ---------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_cycles(self, **query: Any) -> dict[str, Any]:
        return cycles.list_cycles(self.read_model.db, **load(qs.CyclesQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def cycle(self, **query: Any) -> dict[str, Any]:
        params = load(qs.CycleQuery(), query)
        return cycles.cycle(self.read_model.db, self.pseudonym_key, utcnow(), **params)

    @rpc(expected_exceptions=EXPECTED)
    def my_reviews(self, **query: Any) -> dict[str, Any]:
        params = load(qs.CycleQuery(), query)
        return cycles.my_reviews(self.read_model.db, self.pseudonym_key, **params)

    @rpc(expected_exceptions=EXPECTED)
    def open_steps(self, **query: Any) -> list[dict[str, Any]]:
        params = load(qs.OpenStepsQuery(), query)
        return cycles.open_steps(self.read_model.db, self.pseudonym_key, **params)

    @rpc(expected_exceptions=EXPECTED)
    def results(self, **query: Any) -> dict[str, Any]:
        return result_queries.results(self.read_model.db, **load(qs.CycleQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def archive(self, **query: Any) -> dict[str, Any]:
        return result_queries.archive(self.read_model.db, **load(qs.ArchiveQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def peer_reviews_about(self, **query: Any) -> dict[str, Any]:
        params = load(qs.MemberCycleQuery(), query)
        return result_queries.peer_reviews_about(self.read_model.db, utcnow(), **params)


# The appraisal's handlers work with a context of its ports (the store to write to, the roster,
# the key, the ledger's measures), made per call from the worker's dependencies.
add_command_methods(AppraisalService, COMMANDS, AppraisalService.context)
