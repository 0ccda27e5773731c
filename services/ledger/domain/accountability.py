"""Accountability (追究有力): what was done about an occurrence that fell overdue. Pure.

An overdue occurrence is escalated to its goal's urging and then supervision holders (notify's
reminders). What the supervision holder (or who runs the branch) then did about it, with whom
it lies, is a fact of the item: the action taken (ACTIONS), on which day, with a note, recorded
as AccountabilityRecorded on the item's stream, in its history beside the work it concerns. It
may be recorded while the occurrence is overdue, and after it was completed late; never for one
done on time, cancelled, or not yet due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eventlog.model import NewEvent
from services.common.periods import local_date

from ..exceptions import BadInput, InvalidTransition
from .items import Item, is_overdue, require_period

# The usual measures, mildest first: a reminder to see it done, a talk, criticism, a written
# self-examination required, a notice of criticism to the branch.
ACTIONS = ("reminder", "talk", "criticism", "written_check", "notice")


@dataclass(frozen=True)
class RecordAccountability:
    actor_id: str
    item_id: str
    period: str
    action: str
    note: str
    taken_on: date | None = None  # the day the action was taken (default: today)


def decide(state: Item, cmd: RecordAccountability, today: date, timezone: str) -> list[NewEvent]:
    """`today` and `timezone`: the institution's, by which due dates and completions are judged."""
    require_period(state, cmd.period)
    occurrence, status = state.occurrences[cmd.period], state.status(cmd.period)
    done_on = local_date(occurrence.completed_at, timezone) if occurrence.completed_at else None
    late = status == "done" and done_on is not None and done_on > occurrence.due_date
    if not (is_overdue(status, occurrence.due_date, today) or late):
        raise InvalidTransition(
            f"occurrence {cmd.period} is {status}, due {occurrence.due_date}: not overdue"
        )
    taken_on = cmd.taken_on or today
    if not occurrence.due_date < taken_on <= today:
        raise BadInput({"taken_on": ["after the due date, and not after today"]})
    data = {
        "period": cmd.period,
        "action": cmd.action,
        "note": cmd.note,
        "taken_on": taken_on.isoformat(),
    }
    return [NewEvent("AccountabilityRecorded", data)]
