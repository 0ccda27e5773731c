"""The ledger as a nameko service: thin RPC methods over the handlers and queries.

Each method validates its keyword arguments with a schema (BadInput, a marshmallow
ValidationError, carries the field messages), calls one handler or query, and returns plain JSON.
A command's events are applied to the read model before it returns, so the caller reads its
own write; the relay and the sweep deliver them everywhere else.
"""

from __future__ import annotations

from typing import Any

from eventlog import utcnow
from eventlog.nameko import Blobs, EventLog, LogRelay, ReadModel
from services.appraisal.events import RectificationRaised
from services.common.attachments import max_bytes
from services.common.messaging import event_handler, rpc
from services.common.observability import CorrelationLogging, EntrypointMetrics
from services.common.rpc import add_command_methods, bound
from services.common.schemas import load

from .exceptions import EXPECTED
from .handlers import attachments as attaching
from .handlers import items as item_handlers
from .handlers import life as life_handlers
from .handlers import organisation as org_handlers
from .handlers import roster as roster_handlers
from .projection import PROJECTION
from .queries import (
    calendar,
    completion,
    files,
    history,
    ledger,
    life,
    measures,
    organisation,
    summaries,
)
from .rectifications import RECTIFICATIONS
from .schemas import commands as cs
from .schemas import queries as qs
from .schemas import roster as rs

# RPC name → (schema, handler): every command the service accepts.
COMMANDS = bound(cs.COMMANDS, org_handlers, life_handlers, item_handlers, attaching)
# Those that attach a file, which also work with the blob store (handlers/attachments.py).
ATTACHING = {name: row for name, row in COMMANDS.items() if row[1].__module__ == attaching.__name__}


class LedgerService:
    name = "ledger"

    log = EventLog()
    blobs = Blobs()  # the files attachments name (eventlog/blobs.py)
    read_model = ReadModel(PROJECTION)
    rectifications = ReadModel(RECTIFICATIONS)  # plans the appraisal's rectification items
    relay = LogRelay()
    entrypoint_metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()

    @event_handler("ledger", "#")
    def on_event(self, body: dict[str, Any]) -> None:
        self.read_model.handle(body)

    @event_handler("appraisal", RectificationRaised.type)
    def on_rectification(self, body: dict[str, Any]) -> None:
        self.rectifications.handle(body)

    @rpc(expected_exceptions=EXPECTED)
    def import_roster(self, **payload: Any) -> dict[str, Any]:
        """A spreadsheet's branches, groups, members and roles: the report row by row, and on a
        real run without errors, every change stored at once (handlers/roster.py)."""
        cmd = load(rs.ImportRoster(), payload)
        report, stored = roster_handlers.import_roster(cmd, self.log, self.read_model.db, utcnow())
        self.read_model.apply(stored)
        return report

    # Queries ---------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def institution(self, **query: Any) -> dict[str, Any]:
        return organisation.institution(self.read_model.db, **load(qs.InstitutionQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def branch(self, **query: Any) -> dict[str, Any]:
        return organisation.branch(self.read_model.db, **load(qs.BranchQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def member_roles(self, **query: Any) -> dict[str, Any]:
        return organisation.member_roles(self.read_model.db, **load(qs.MemberRolesQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def goal_set(self, **query: Any) -> dict[str, Any]:
        return ledger.goal_set(self.read_model.db, utcnow(), **load(qs.YearQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def list_entries(self, **query: Any) -> dict[str, Any]:
        return ledger.list_entries(self.read_model.db, utcnow(), **load(qs.EntriesQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def item(self, **query: Any) -> dict[str, Any]:
        return ledger.item(self.read_model.db, utcnow(), **load(qs.ItemQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def item_history(self, **query: Any) -> dict[str, Any]:
        params = load(qs.ItemQuery(), query)
        return history.item_history(self.log, self.read_model.db, **params)

    @rpc(expected_exceptions=EXPECTED)
    def attachment(self, **query: Any) -> dict[str, Any]:
        """One attached file's description (its bytes: the blob store, by its sha256)."""
        return files.attachment(self.read_model.db, **load(qs.AttachmentQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def ledger_as_of(self, **query: Any) -> dict[str, Any]:
        params = load(qs.AsOfQuery(), query)
        return history.ledger_as_of(self.log, self.read_model.db, **params)

    @rpc(expected_exceptions=EXPECTED)
    def org_life(self, **query: Any) -> dict[str, Any]:
        return life.org_life(self.read_model.db, utcnow(), **load(qs.YearQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def meeting(self, **query: Any) -> dict[str, Any]:
        return life.meeting(self.read_model.db, **load(qs.MeetingQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def reports_count(self, **query: Any) -> dict[str, Any]:
        return life.reports_count(self.read_model.db, **load(qs.BranchQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def scan_inputs(self, **query: Any) -> dict[str, Any]:
        query = load(qs.ScanInputsQuery(), query)
        return calendar.scan_inputs(self.read_model.db, utcnow(), **query)

    @rpc(expected_exceptions=EXPECTED)
    def study_log(self, **query: Any) -> dict[str, Any]:
        return life.study_log(self.read_model.db, utcnow(), **load(qs.StudyLogQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def articles(self, **query: Any) -> dict[str, Any]:
        return life.articles(self.read_model.db, **load(qs.ArticlesQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def member_measures(self, **query: Any) -> dict[str, Any]:
        params = load(qs.MeasuresQuery(), query)
        return measures.member_measures(self.read_model.db, utcnow(), **params)

    @rpc(expected_exceptions=EXPECTED)
    def branch_measures(self, **query: Any) -> dict[str, Any]:
        params = load(qs.BranchMeasuresQuery(), query)
        return completion.branch_measures(self.read_model.db, utcnow(), **params)

    @rpc(expected_exceptions=EXPECTED)
    def branch_summary(self, **query: Any) -> dict[str, Any]:
        params = load(qs.BranchSummaryQuery(), query)
        return summaries.branch_summary(self.read_model.db, utcnow(), **params)

    @rpc(expected_exceptions=EXPECTED)
    def institution_summaries(self, **query: Any) -> dict[str, Any]:
        params = load(qs.InstitutionYearQuery(), query)
        return summaries.institution_summaries(self.read_model.db, utcnow(), **params)

    @rpc(expected_exceptions=EXPECTED)
    def members_measures(self, **query: Any) -> dict[str, Any]:
        params = load(qs.MembersMeasuresQuery(), query)
        return measures.members_measures(self.read_model.db, utcnow(), **params)


# The ledger's handlers work with the log alone; those attaching a file also with the blob store
# (an event never names a file the store lacks) and the size limit.
add_command_methods(
    LedgerService,
    {name: row for name, row in COMMANDS.items() if name not in ATTACHING},
    lambda service, store: store,
)
add_command_methods(
    LedgerService,
    ATTACHING,
    lambda service, store: attaching.Attaching(store, service.blobs, max_bytes()),
)
