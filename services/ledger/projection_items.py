"""Read-model handlers for ledger items (`item-<id>`): the item row, one row per occurrence, and
the measure counters (ledger.measure_cells) those occurrences count in."""

from __future__ import annotations

import json

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import StoredEvent, owner_of
from eventlog.db import Prepared, execute_prepared
from eventlog.projection import Handler

from .domain.items import PLAN_FIELDS, schedule


def _touch(cur: Cursor, event: StoredEvent, assignments: str = "", params: tuple = ()) -> None:
    """Updates the item row: the given columns, plus when and at which version it last changed."""
    cur.execute(
        f"UPDATE ledger.items SET {assignments}{', ' if assignments else ''}"
        "updated_at = %s, version = %s WHERE item_id = %s",
        (*params, event.occurred_at, event.version, owner_of(event)),
    )


def _planned(cur: Cursor, event: StoredEvent) -> None:
    data = dict(event.data)
    values = [data.get(name) for name in PLAN_FIELDS]
    values[PLAN_FIELDS.index("source")] = json.dumps(data.get("source"))
    cur.execute(
        f"INSERT INTO ledger.items ({', '.join(PLAN_FIELDS)}, planned_at, planned_by, updated_at,"
        f" version) VALUES ({', '.join(['%s'] * len(PLAN_FIELDS))}, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (*values, event.occurred_at, event.actor_id, event.occurred_at, event.version),
    )
    branch = data["branch_id"]
    rows = [(data["item_id"], branch, key, due, "planned") for key, due in schedule(data)]
    execute_values(
        cur,
        "INSERT INTO ledger.occurrences (item_id, branch_id, period, due_date, status) VALUES %s"
        " ON CONFLICT DO NOTHING",
        rows,
        page_size=500,
    )


# What each event does to its occurrence, prepared (a rebuild runs one per event, and the
# planning of a statement cost more than its running): $1 item, $2 period, $3 when it occurred,
# $4 note, $5 reason, $6 evidence.
_CHANGES = {
    "ItemStarted": "status = 'in_progress', started_at = coalesce(started_at, $3)",
    "ItemCompleted": (
        "status = 'done', completed_at = $3, outcome_note = $4, evidence = evidence || $6"
    ),
    "ItemCancelled": "status = 'cancelled', completed_at = NULL, cancel_reason = $5",
    "ItemReopened": "status = 'in_progress', completed_at = NULL",
    "ProgressNoted": "notes = notes + 1, last_note = $4, evidence = evidence || $6",
}
_CHANGED = {
    event_type: Prepared(
        f"ledger_{event_type.lower()}",
        ("text", "text", "timestamptz", "text", "text", "jsonb"),
        f"UPDATE ledger.occurrences SET {change} WHERE item_id = $1 AND period = $2",
    )
    for event_type, change in _CHANGES.items()
}


def _occurrence(cur: Cursor, event: StoredEvent) -> None:
    """The change alone: `_touched` records when the item changed, and at which version."""
    data = event.data
    if data["period"] is None:  # a whole-item cancel or reopen
        cur.execute(
            "UPDATE ledger.items SET cancelled = %s WHERE item_id = %s",
            (event.type == "ItemCancelled", owner_of(event)),
        )
        return
    params = (
        owner_of(event),
        data["period"],
        event.occurred_at,
        data.get("note"),
        data.get("reason"),
        json.dumps(data.get("evidence") or []),
    )
    execute_prepared(cur, _CHANGED[event.type], params)


def _accountability(cur: Cursor, event: StoredEvent) -> None:
    """What was done about an overdue occurrence: counted, and the latest kept with who did it
    (the item's history, from the log, has every one)."""
    data = event.data
    latest = {name: data[name] for name in ("action", "note", "taken_on")}
    cur.execute(
        "UPDATE ledger.occurrences SET actions = actions + 1, last_action = %s"
        " WHERE item_id = %s AND period = %s",
        (
            json.dumps({**latest, "by": event.actor_id}, ensure_ascii=False),
            owner_of(event),
            data["period"],
        ),
    )


def _touched(handler: Handler) -> Handler:
    def handle(cur: Cursor, event: StoredEvent) -> None:
        handler(cur, event)
        _touch(cur, event)

    return handle


def _reassigned(cur: Cursor, event: StoredEvent) -> None:
    _touch(cur, event, "owner_id = %s", (event.data["owner_id"],))


def _due_changed(cur: Cursor, event: StoredEvent) -> None:
    """Re-dates unfinished occurrences, as the domain does: done ones keep their due date."""
    cur.execute(
        "SELECT cadence, review, due_date::text, due_day, due_month, starts_on::text,"
        " ends_on::text FROM ledger.items WHERE item_id = %s",
        (owner_of(event),),
    )
    names = ("cadence", "review", "due_date", "due_day", "due_month", "starts_on", "ends_on")
    plan = dict(zip(names, cur.fetchone(), strict=True))
    changed = {k: v for k, v in event.data.items() if k in ("due_date", "due_day")}
    rows = [(owner_of(event), key, due) for key, due in schedule({**plan, **changed})]
    execute_values(
        cur,
        "UPDATE ledger.occurrences AS o SET due_date = v.due::date"
        " FROM (VALUES %s) AS v (i, p, due)"
        " WHERE o.item_id = v.i AND o.period = v.p AND o.status <> 'done'",
        rows,
    )
    assignments = ", ".join(f"{name} = %s" for name in changed)
    _touch(cur, event, assignments, tuple(changed.values()))


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
        item, period = owner_of(event), event.data.get("period")
        if whole_item_only and period is not None:
            handler(cur, event)
            return
        execute_prepared(cur, _COUNT, (-1, item, period))
        handler(cur, event)
        execute_prepared(cur, _COUNT, (1, item, period))

    return handle


# As a rebuild replays them: it counts every cell once, at the end, and there records when each
# item last changed (`rebuilt`), instead of event by event.
REPLAYED_ITEM_HANDLERS: dict[str, Handler] = {
    "ItemPlanned": _planned,
    "ItemStarted": _occurrence,
    "ProgressNoted": _occurrence,
    "ItemCompleted": _occurrence,
    "ItemCancelled": _occurrence,
    "ItemReopened": _occurrence,
    "ItemReassigned": _reassigned,
    "DueDateChanged": _due_changed,
    "AccountabilityRecorded": _accountability,
}
_OCCURRENCE_EVENTS = (
    "ItemStarted",
    "ProgressNoted",
    "ItemCompleted",
    "ItemCancelled",
    "ItemReopened",
)
# As the live model applies them, each counting what it changes.
ITEM_HANDLERS: dict[str, Handler] = {
    name: _counted(
        _touched(handler) if name in _OCCURRENCE_EVENTS else handler,
        whole_item_only=name in ("ItemStarted", "ProgressNoted"),
    )
    for name, handler in REPLAYED_ITEM_HANDLERS.items()
    if name != "AccountabilityRecorded"
}
# It changes no count: what it records sits beside the occurrence's status.
ITEM_HANDLERS["AccountabilityRecorded"] = _touched(_accountability)


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
