"""Every aggregate folds every event its producers emit, whatever its shape: the pure half of
the projections' totality (no servers). The producers' real commands write an in-memory log."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from itertools import groupby
from typing import Any

from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st

from eventlog import InMemoryEventStore, category_of
from services.appraisal.domain import cycle
from services.appraisal.projection import PROJECTION as APPRAISAL
from services.gateway.reach.projection import PROJECTION as REACH
from services.gateway.users import domain as users
from services.gateway.users.projection import PROJECTION as GATEWAY
from services.ledger.domain import branch, goals, institution, items, orglife, study
from services.ledger.projection import PROJECTION as LEDGER
from services.ledger.rectifications import RECTIFICATIONS
from services.notify.domain import preferences as p
from services.notify.domain import reminders as r
from services.notify.projection import PROJECTION as NOTIFY

from .producers import play
from .world import World

# Each stream's category → its aggregate: what loading it for a command folds.
AGGREGATES: dict[str, tuple[Callable[[Any, Any], Any], Any]] = {
    "institution": (institution.evolve, institution.Institution()),
    "branch": (branch.evolve, branch.Branch()),
    "goals": (goals.evolve, goals.GoalSet()),
    "item": (items.evolve, items.Item()),
    "orglife": (orglife.evolve, orglife.OrgLife()),
    "study": (study.evolve, study.StudyLog()),
    "cycle": (cycle.evolve, cycle.Cycle()),
    "reminder": (r.evolve, r.ReminderState()),
    "prefs": (p.evolve_preferences, None),
    "notifyconfig": (p.evolve_thresholds, p.Thresholds()),
    "user": (users.evolve, users.User()),
}
# Every event type a read model handles: the producers must be seen to emit each one.
HANDLED = {
    name
    for projection in (LEDGER, RECTIFICATIONS, APPRAISAL, NOTIFY, GATEWAY, REACH)
    for name in (*projection.handlers, *projection.reactions)
}


def fold_every_stream(world: World) -> set[str]:
    """Plays the producers, folds each stream as loading it for a command would; the types seen."""
    events = play(world)
    ordered = sorted(events, key=lambda e: (e.stream_id, e.version))
    for stream, stored in groupby(ordered, key=lambda e: e.stream_id):
        evolve, initial = AGGREGATES[category_of(stream)]
        reduce(evolve, stored, initial)
    return {event.type for event in events}


# Types no command emits any more, which read models still apply from logs written before:
# UserLocked, from before failed sign-ins were throttled by address (gateway/users/throttle.py).
RETIRED = {"UserLocked"}
# Worlds are played in rounds until every type is seen, at most ROUNDS of them: a typical run
# sees every type within 120 worlds.
WORLDS_A_ROUND, ROUNDS = 60, 15


def test_every_aggregate_folds_every_event_its_commands_emit():
    """Plays worlds until the producers have been seen to emit every type a read model handles
    (else the totality would be shown by never meeting a type). The worlds' ids are new each
    run, and the producers pick among them, so no seed fixes which world emits what: the test
    plays on until nothing is missing, and fails naming what never came.
    tests/projections/test_read_models.py draws new worlds each run."""
    seen: set[str] = set()

    def play_and_fold(data):
        seen.update(fold_every_stream(World(InMemoryEventStore(), data.draw, run="r")))

    for number in range(ROUNDS):
        # A seed of its own for each round: under a derandomised profile (hypothesis's "ci",
        # chosen when $CI is set) every round would otherwise replay the same worlds.
        seed(number)(
            settings(
                max_examples=WORLDS_A_ROUND, deadline=None, database=None, phases=[Phase.generate]
            )(given(st.data())(play_and_fold))
        )()
        if not HANDLED - seen - RETIRED:
            break
    assert HANDLED - seen - RETIRED == set()
