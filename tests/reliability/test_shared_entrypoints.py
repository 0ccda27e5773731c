"""No server needed: every service's entrypoints and RPC clients are the shared ones that
outlive a broker restart (services/common/messaging.py), and those give up an ack or an answer
the broker cannot take instead of raising, which would kill the service."""

from types import SimpleNamespace

import pytest
from nameko.containers import ServiceContainer
from nameko.events import EventHandler
from nameko.rpc import Rpc, RpcProxy

from services.appraisal.service import AppraisalService
from services.common import messaging
from services.gateway.service import GatewayService
from services.ledger.service import LedgerService
from services.notify.service import NotifyService

SHARED = {Rpc: messaging.Rpc, EventHandler: messaging.EventHandler, RpcProxy: messaging.RpcProxy}


@pytest.mark.parametrize(
    "service", [LedgerService, AppraisalService, NotifyService, GatewayService]
)
def test_every_service_uses_the_shared_entrypoints_and_clients(service):
    container = ServiceContainer(service, {"AMQP_URI": "amqp://nowhere//"})
    for extension in [*container.entrypoints, *container.dependencies]:
        for nameko_class, shared in SHARED.items():
            if isinstance(extension, nameko_class):
                assert isinstance(extension, shared), f"{service.name}: {extension}"


class LostMessage:
    """A message whose connection died: acking or requeueing it fails as the socket does."""

    channel = SimpleNamespace(connection=object())

    def ack(self):
        raise ConnectionResetError(104, "Connection reset by peer")

    requeue = ack


def test_an_ack_or_requeue_the_broker_cannot_take_is_left_to_it():
    consumer = messaging.QueueConsumer()
    consumer.ack_message(LostMessage())
    consumer.requeue_message(LostMessage())
