"""A cycle's peer review is anonymous (the default) or open: an open cycle's reviews name their
reviewer, in the log and to the reviewee; an anonymous cycle's name nobody."""

import pytest

from eventlog import Metadata, NewEvent
from services.appraisal.domain.pseudonym import review_ids
from services.appraisal.exceptions import AlreadySubmitted, BadInput
from services.appraisal.handlers import cycles

from .conftest import KEY, OPENED, open_command
from .helpers import cycle_state, peer_review


def test_a_cycle_is_anonymous_unless_opened_as_open(ctx):
    opened = cycles.open_cycle(open_command(), ctx, OPENED).events[0]
    assert (opened.schema_version, opened.data["peer_mode"]) == (2, "anonymous")
    assert not cycle_state(ctx).open_peer_review


def test_an_open_cycles_peer_review_names_its_reviewer_in_the_log(ctx):
    cycles.open_cycle(open_command(peer_mode="open"), ctx, OPENED)
    outcome = peer_review(ctx, "gl1", "m1")
    stored = outcome.events[0]
    assert (stored.data["reviewer_id"], stored.actor_id) == ("gl1", "gl1")
    assert stored.data["review_id"] == review_ids(KEY, "c1", "gl1", "m1")[0] == outcome.id
    with pytest.raises(AlreadySubmitted):  # still one review per reviewer and reviewee
        peer_review(ctx, "gl1", "m1", value=20.0)


def test_a_mode_is_anonymous_or_open(ctx):
    with pytest.raises(BadInput) as refused:
        cycles.open_cycle(open_command(peer_mode="public"), ctx, OPENED)
    assert set(refused.value.messages) == {"peer_mode"}


def test_a_cycle_opened_before_there_were_modes_reads_as_anonymous(ctx):
    """CycleOpened version 1 had no peer_mode: every cycle then was anonymous."""
    data = dict(cycles.open_cycle(open_command(cycle_id="c0"), ctx, OPENED).events[0].data)
    del data["peer_mode"]
    event = NewEvent("CycleOpened", {**data, "cycle_id": "c1"}, schema_version=1)
    ctx.store.append("cycle-c1", [event], 0, metadata=Metadata("b1", "sec"))
    assert cycle_state(ctx).plan["peer_mode"] == "anonymous"
    assert peer_review(ctx, "gl1", "m1").events[0].data["reviewer_id"] is None
