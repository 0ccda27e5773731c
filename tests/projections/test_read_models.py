"""Every read model applies every event its producers emit, whatever its shape, against the real
PostgreSQL: the producers' real commands write the log, and each projection applies what they
wrote as it applies a command's echo or a message from the bus. The gateway's reach model then
answers as the services it copies (reach.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventlog import PostgresEventStore, ProjectionRunner
from services.appraisal.projection import PROJECTION as APPRAISAL
from services.gateway.reach.projection import PROJECTION as REACH
from services.gateway.users.projection import PROJECTION as GATEWAY
from services.ledger.projection import PROJECTION as LEDGER
from services.ledger.rectifications import RECTIFICATIONS
from services.notify.projection import PROJECTION as NOTIFY

from .producers import play
from .reach import assert_answers_as_the_services
from .world import World

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def runners(db) -> list[ProjectionRunner]:
    store = PostgresEventStore(db, source="test")
    found = [
        ProjectionRunner(db, store, p)
        for p in (LEDGER, RECTIFICATIONS, APPRAISAL, NOTIFY, GATEWAY, REACH)
    ]
    for runner in found:
        runner.setup()
    return found


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_every_read_model_applies_every_event_its_producers_emit(runners, data):
    world = World(runners[0].store, data.draw)
    events = play(world)
    for runner in runners:
        runner.apply(events)
    assert_answers_as_the_services(runners[0].db, events)
