"""nameko's RPC and event entrypoints and its RPC client, kept alive through a broker restart.

nameko 2.14.1 gives up on the broker in two places, each of which kills the whole service:
- the RPC responder publishes a worker's answer with three retries, and raises when they fail
  (rpc.RpcConsumer.handle_result); an error in a worker's result handling is, for nameko, a bug
  of the container, which it kills;
- an ack on a connection that died raises an OSError, which QueueConsumer.ack_message does not
  catch (only amqp's ConnectionError), with the same end: in a worker's result handling for RPC
  and events, in a managed thread for the RPC client's replies.
Its consumers reconnect by themselves (kombu's ConsumerMixin), but at waits that grow by 2 s up
to 30 s. Here an answer or an ack that cannot reach the broker is given up instead: the broker
delivers again what was not acknowledged, the request is run again (commands take effect once
per key, services/common/keyed.py; read models skip what they applied), and consumers try to
reconnect every RECONNECT_SECONDS at most.

Every service's entrypoints are these (`rpc`, `event_handler`, `RpcProxy`): the consumers that a
service's entrypoints share must be of one class, or each would answer for only some of them.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import amqp.exceptions
import kombu.exceptions
from nameko import events, messaging
from nameko import rpc as nameko_rpc

log = logging.getLogger(__name__)

# What talking to a broker that is away raises: kombu's error once its retries are spent, py-amqp's
# own, and the socket's.
BROKER_ERRORS = (kombu.exceptions.OperationalError, amqp.exceptions.ConnectionError, OSError)
RECONNECT_SECONDS = 2.0


class QueueConsumer(messaging.QueueConsumer):
    """nameko's consumer of a service's queues: an ack or requeue that cannot reach the broker
    is left to the broker, which delivers the message again."""

    def ack_message(self, message) -> None:
        try:
            super().ack_message(message)
        except BROKER_ERRORS as exc:
            log.warning("ack of a message lost (%s): the broker delivers it again", exc)

    def requeue_message(self, message) -> None:
        try:
            super().requeue_message(message)
        except BROKER_ERRORS as exc:
            log.warning("requeue of a message lost (%s): the broker delivers it again", exc)

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            conn.ensure_connection(
                self.on_connection_error,
                self.connect_max_retries,
                interval_start=RECONNECT_SECONDS,
                interval_step=0,
                interval_max=RECONNECT_SECONDS,
            )
            yield conn


class RpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = QueueConsumer()

    def handle_result(self, message, result, exc_info):
        """An answer the broker cannot take is given up, and the request put back (or left to
        the broker, if its connection died too): it is run again once the broker is back."""
        try:
            return super().handle_result(message, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning(
                "the answer to %s was not sent (%s): the request will be delivered again",
                message.delivery_info.get("routing_key"),
                exc,
            )
            self.queue_consumer.requeue_message(message)
            return result, exc_info


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()


class EventHandler(events.EventHandler):
    queue_consumer = QueueConsumer()


class ReplyListener(nameko_rpc.ReplyListener):
    queue_consumer = QueueConsumer()


class RpcProxy(nameko_rpc.RpcProxy):
    """nameko's RPC client, its replies consumed by the QueueConsumer above."""

    rpc_reply_listener = ReplyListener()


rpc = Rpc.decorator
event_handler = EventHandler.decorator
