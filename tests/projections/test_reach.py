"""The gateway's reach read model rebuilt from the log (`taizhang rebuild`) is the live one.
That it answers as the services it copies is checked over every world test_read_models plays."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventlog import PostgresEventStore, ProjectionRunner, cli
from services.appraisal.projection import PROJECTION as APPRAISAL
from services.gateway.reach.projection import PROJECTION as REACH
from services.ledger.projection import PROJECTION as LEDGER

from .producers import play
from .reach import answers, assert_answers_as_the_services
from .world import World

pytestmark = pytest.mark.servers


@settings(
    max_examples=1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_rebuild_from_the_log_gives_the_live_model(db, data):
    store = PostgresEventStore(db, source="test")
    runners = [ProjectionRunner(db, store, p) for p in (LEDGER, APPRAISAL, REACH)]
    events = play(World(store, data.draw))
    for runner in runners:
        runner.setup()
        runner.apply(events)
    assert_answers_as_the_services(db, events)
    live = answers(db, events)
    assert cli.main(["rebuild", "services.gateway.reach.projection", "--quiet"]) == 0
    assert answers(db, events) == live
