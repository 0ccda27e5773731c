"""A consumer process for the fault-injection tests, killed by them with SIGKILL.

A ProjectionRunner over the `counter` read model, fed from the bus (a durable queue; a message
is acked only after its transaction committed, so a kill leaves it to be redelivered) and from
the log (a catch-up every 0.2 s, in a thread of its own, competing with the bus for each event).

    python -m tests.reliability.consumer CATEGORY QUEUE [--pause SECONDS]
"""

from __future__ import annotations

import argparse
import logging
import threading
import time

import kombu

from eventlog import Database, PostgresEventStore, ProjectionRunner, Settings

from .counter import counter
from .harness import bind_queue

log = logging.getLogger("reliability.consumer")


def catch_up_forever(runner: ProjectionRunner, every: float) -> None:
    while True:
        try:
            runner.catch_up()
        except Exception:  # the database may drop the connection: the next round retries
            log.exception("catch-up failed")
        time.sleep(every)


def consume_forever(runner: ProjectionRunner, amqp_uri: str, queue: kombu.Queue) -> None:
    def on_message(body: dict, message: kombu.Message) -> None:
        try:
            runner.handle(body)
        except Exception:
            log.exception("applying %s failed; requeued", body.get("event_id"))
            message.requeue()
        else:
            message.ack()

    with (
        kombu.Connection(amqp_uri) as conn,
        conn.Consumer(queue, callbacks=[on_message], accept=["json"], prefetch_count=10),
    ):
        while True:
            try:
                conn.drain_events(timeout=1)
            except TimeoutError:
                continue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("category")
    parser.add_argument("queue")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds inside each handler")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    db = Database(settings.database_url, max_connections=4)
    store = PostgresEventStore(db, source=args.category)
    runner = ProjectionRunner(db, store, counter(args.category, args.pause))
    runner.setup()
    threading.Thread(target=catch_up_forever, args=(runner, 0.2), daemon=True).start()
    queue = bind_queue(settings.amqp_uri, args.category, args.queue)
    consume_forever(runner, settings.amqp_uri, queue)


if __name__ == "__main__":
    main()
