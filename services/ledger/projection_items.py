"""Read-model handlers for ledger items (`item-<id>`): the item row, one row per occurrence, and
the measure counters (ledger.measure_cells) those occurrences count in."""

from __future__ import annotations

import json

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import Event, StoredEvent, owner_of
from eventlog.db import Prepared, execute_prepared
from eventlog.projection import Handler
from services.common.roles import status_after

from . import events as e
from .domain.items import rescheduled, schedule
from .projection_files import item_file

# The item row's plan columns: ItemPlanned's fields, by the same names.
_PLAN = tuple(name for name, _ in e.ItemPlanned.fields)


def _touch(cur: Cursor, event: StoredEvent, assignments: str = "", params: tuple = ()) -> None:
    """Updates the item row: the given columns, plus when and at which version it last changed."""
    cur.execute(
        f"UPDATE ledger.items SET {assignments}{', ' if assignments else ''}"
        "updated_at = %s, version = %s WHERE item_id = %s",
        (*params, event.occurred_at, event.version, owner_of(event)),
    )


def _planned(cur: Cursor, event: StoredEvent) -> None:
    plan = e.ItemPlanned.of(event)
    values = {**plan.data, "source": json.dumps(plan.source)}
    cur.execute(
        f"INSERT INTO ledger.items ({', '.join(_PLAN)}, planned_at, planned_by, updated_at,"
        f" version) VALUES ({', '.join(['%s'] * len(_PLAN))}, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (*values.values(), event.occurred_at, event.actor_id, event.occurred_at, event.version),
    )
    rows = [(plan.item_id, plan.branch_id, key, due, "planned") for key, due in schedule(plan.data)]
    execute_values(
        cur,
        "INSERT INTO ledger.occurrences (item_id, branch_id, period, due_date, status) VALUES %s"
        " ON CONFLICT DO NOTHING",
        rows,
        page_size=500,
    )


# What each event does to its occurrence, prepared (a rebuild runs one per event, and the
# planning of a statement cost more than its running): $1 item, $2 period, $3 when it occurred,
# $4 note, $5 reason, $6 evidence. Statuses as services/common/roles.py moves them.
_CHANGES = {
    e.ItemStarted: f"status = '{status_after(e.ItemStarted.type)}',"
    " started_at = coalesce(started_at, $3)",
    e.ItemCompleted: f"status = '{status_after(e.ItemCompleted.type)}', completed_at = $3,"
    " outcome_note = $4, evidence = evidence || $6",
    e.ItemCancelled: f"status = '{status_after(e.ItemCancelled.type)}', completed_at = NULL,"
    " cancel_reason = $5",
    e.ItemReopened: f"status = '{status_after(e.ItemReopened.type)}', completed_at = NULL",
    e.ProgressNoted: "notes = notes + 1, last_note = $4, evidence = evidence || $6",
}
_CHANGED = {
    event.type: Prepared(
        f"ledger_{event.type.lower()}",
        ("text", "text", "timestamptz", "text", "text", "jsonb"),
        f"UPDATE ledger.occurrences SET {change} WHERE item_id = $1 AND period = $2",
    )
    for event, change in _CHANGES.items()
}


def _change(change: Event) -> tuple[str | None, str | None, str | None, list[str]]:
    """What an occurrence's change says: (period, note, reason, evidence links)."""
    match change:
        case (
            e.ProgressNoted(period=period, note=note, evidence=links)
            | e.ItemCompleted(period=period, note=note, evidence=links)
        ):
            return period, note, None, links
        case (
            e.ItemCancelled(period=period, reason=reason)
            | e.ItemReopened(period=period, reason=reason)
        ):
            return period, None, reason, []
        case e.ItemStarted(period=period):
            return period, None, None, []
    raise TypeError(f"{change.type} changes no occurrence")


def _period_of(event: StoredEvent) -> str | None:
    """The occurrence an item event changes (None: the whole item)."""
    change = e.EVENTS.read(event)
    return _change(change)[0] if type(change) in _CHANGES else None


def _occurrence(cur: Cursor, event: StoredEvent) -> None:
    """The change alone: `_touched` records when the item changed, and at which version."""
    change = e.EVENTS.read(event)
    period, note, reason, links = _change(change)
    if period is None:  # a whole-item cancel or reopen
        cur.execute(
            "UPDATE ledger.items SET cancelled = %s WHERE item_id = %s",
            (isinstance(change, e.ItemCancelled), owner_of(event)),
        )
        return
    params = (owner_of(event), period, event.occurred_at, note, reason, json.dumps(links))
    execute_prepared(cur, _CHANGED[event.type], params)


def _accountability(cur: Cursor, event: StoredEvent) -> None:
    """What was done about an overdue occurrence: counted, and the latest kept with who did it
    (the item's history, from the log, has every one)."""
    done = e.AccountabilityRecorded.of(event)
    latest = {"action": done.action, "note": done.note, "taken_on": done.taken_on}
    cur.execute(
        "UPDATE ledger.occurrences SET actions = actions + 1, last_action = %s"
        " WHERE item_id = %s AND period = %s",
        (
            json.dumps({**latest, "by": event.actor_id}, ensure_ascii=False),
            owner_of(event),
            done.period,
        ),
    )


def _touched(handler: Handler) -> Handler:
    def handle(cur: Cursor, event: StoredEvent) -> None:
        handler(cur, event)
        _touch(cur, event)

    return handle


def _reassigned(cur: Cursor, event: StoredEvent) -> None:
    _touch(cur, event, "owner_id = %s", (e.ItemReassigned.of(event).owner_id,))


def _due_changed(cur: Cursor, event: StoredEvent) -> None:
    """Re-dates unfinished occurrences, as the domain does: done ones keep their due date."""
    cur.execute(
        "SELECT cadence, review, due_date::text, due_day, due_month, starts_on::text,"
        " ends_on::text FROM ledger.items WHERE item_id = %s",
        (owner_of(event),),
    )
    names = ("cadence", "review", "due_date", "due_day", "due_month", "starts_on", "ends_on")
    change = e.DueDateChanged.of(event)
    plan = rescheduled(dict(zip(names, cur.fetchone(), strict=True)), change)
    moved = "due_date" if change.due_date is not None else "due_day"
    rows = [(owner_of(event), key, due) for key, due in schedule(plan)]
    execute_values(
        cur,
        "UPDATE ledger.occurrences AS o SET due_date = v.due::date"
        " FROM (VALUES %s) AS v (i, p, due)"
        " WHERE o.item_id = v.i AND o.period = v.p AND o.status <> 'done'",
        rows,
    )
    _touch(cur, event, f"{moved} = %s", (plan[moved],))


# What the occurrences of an item (or one of them: $3) add to their cells, times $1. Read from
# ledger.entries, so a cell counts exactly what the ledger lists (a whole-item cancel included).
# Prepared: it runs twice for every item event, and planning the view costs more than running it.
_COUNT = Prepared(
    "ledger_count_cells",
    ("integer", "text", "text"),
    """
INSERT INTO ledger.measure_cells AS c
SELECT branch_id, level, kind, cadence, coalesce(group_id, ''), coalesce(owner_id, ''),
       coalesce(goal_id, ''), due_date,
       $1 * count(*) FILTER (WHERE status <> 'cancelled'),
       $1 * count(*) FILTER (WHERE status = 'done'),
       $1 * count(*) FILTER (WHERE status = 'done' AND completed_on <= due_date)
FROM ledger.entries
WHERE item_id = $2 AND ($3::text IS NULL OR period = $3)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
ON CONFLICT (branch_id, due_date, level, kind, cadence, group_id, owner_id, goal_id) DO UPDATE
SET occurrences = c.occurrences + EXCLUDED.occurrences, done = c.done + EXCLUDED.done,
    on_time = c.on_time + EXCLUDED.on_time
""",
)


def _counted(handler: Handler, whole_item_only: bool = False) -> Handler:
    """The handler between taking what the event touches out of its cells and putting it back
    as it now is: any change (status, due date, owner, a whole-item cancel) moves the counts.
    `whole_item_only`: an event that changes no count when it names an occurrence (the domain
    starts only a planned one, which stays open; a note leaves the status) is counted only as a
    whole-item one: two statements fewer for half of the item events a rebuild replays."""

    def handle(cur: Cursor, event: StoredEvent) -> None:
        item, period = owner_of(event), _period_of(event)
        if whole_item_only and period is not None:
            handler(cur, event)
            return
        execute_prepared(cur, _COUNT, (-1, item, period))
        handler(cur, event)
        execute_prepared(cur, _COUNT, (1, item, period))

    return handle


# As a rebuild replays them: it counts every cell once, at the end, and there records when each
# item last changed (`rebuilt`), instead of event by event.
REPLAYED_ITEM_HANDLERS: dict[type[Event], Handler] = {
    e.ItemPlanned: _planned,
    **dict.fromkeys(_CHANGES, _occurrence),
    e.ItemReassigned: _reassigned,
    e.DueDateChanged: _due_changed,
    e.AccountabilityRecorded: _accountability,
    e.ItemFileAttached: item_file,
}
# As the live model applies them, each counting what it changes.
ITEM_HANDLERS: dict[type[Event], Handler] = {
    event: _counted(
        _touched(handler) if event in _CHANGES else handler,
        whole_item_only=event in (e.ItemStarted, e.ProgressNoted),
    )
    for event, handler in REPLAYED_ITEM_HANDLERS.items()
    if event not in (e.AccountabilityRecorded, e.ItemFileAttached)
}
# They change no count: what they record sits beside the occurrence's status.
ITEM_HANDLERS[e.AccountabilityRecorded] = _touched(_accountability)
ITEM_HANDLERS[e.ItemFileAttached] = _touched(item_file)


def rebuilt(cur: Cursor, subscription: str) -> None:
    """What the replay left to the end: every cell counted at once from the rebuilt occurrences,
    as `_COUNT` counts an item's; each item's last change, from the last event of its stream
    replayed (its tracking row)."""
    cur.execute(
        "INSERT INTO ledger.measure_cells SELECT branch_id, level, kind, cadence,"
        " coalesce(group_id, ''), coalesce(owner_id, ''), coalesce(goal_id, ''), due_date,"
        " count(*) FILTER (WHERE status <> 'cancelled'), count(*) FILTER (WHERE status = 'done'),"
        " count(*) FILTER (WHERE status = 'done' AND completed_on <= due_date)"
        " FROM ledger.entries GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
    cur.execute(
        "UPDATE ledger.items i SET updated_at = e.occurred_at, version = e.version"
        " FROM eventlog.tracking t JOIN eventlog.events e USING (stream_id, version)"
        " WHERE t.subscription = %s AND t.stream_id = 'item-' || i.item_id",
        (subscription,),
    )
