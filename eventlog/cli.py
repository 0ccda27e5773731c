"""`taizhang`: operate the event log — migrate, relay, rebuild a read model, verify, tail, back up
and restore."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence

from eventlog import backup
from eventlog.config import Settings
from eventlog.db import Database
from eventlog.migrate import migrate
from eventlog.model import START, StoredEvent
from eventlog.projection import Projection, ProjectionRunner
from eventlog.relay import BrokerPublisher, Relay
from eventlog.seal import verify
from eventlog.store import PostgresEventStore


def load_projection(target: str) -> Projection:
    """`ledger` means `services.ledger.projection:PROJECTION`; any `module:NAME` works too."""
    module, _, name = target.partition(":")
    if "." not in module:
        module = f"services.{module}.projection"
    return getattr(importlib.import_module(module), name or "PROJECTION")


def progress_bar(done: int, total: int, width: int = 40) -> None:
    filled = width * done // total if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} events")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _store(settings: Settings, source: str = "cli") -> PostgresEventStore:
    return PostgresEventStore(Database(settings.database_url, max_connections=4), source=source)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings)
    print("event log schema is up to date")
    return 0


def cmd_relay(args: argparse.Namespace, settings: Settings) -> int:
    relay = Relay(_store(settings), BrokerPublisher(settings.amqp_uri), batch=args.batch)
    signal.signal(signal.SIGTERM, lambda *_: relay.stop())
    try:
        relay.run()
    except KeyboardInterrupt:
        relay.release()
    return 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    runner = ProjectionRunner(store.db, store, load_projection(args.projection))
    started = time.monotonic()
    count = runner.rebuild(progress=None if args.quiet else progress_bar)
    print(f"rebuilt {runner.name} from {count} events in {time.monotonic() - started:.1f}s")
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    report = verify(_store(settings).db)
    for problem in report.problems:
        print(f"problem: {problem}")
    print(report.summary())
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    with open(args.file, "wb") as out:
        summary = backup.backup(settings.database_url, out)
    print(f"backed up {summary.describe()} to {args.file}")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Into a new database: the schema, the log, then `verify` (read models rebuild themselves
    from the restored log when their services start, or with `taizhang rebuild`)."""
    migrate(settings)
    summary = backup.restore(settings.admin_database_url, args.file, lambda line: print(line))
    print(f"restored {summary.describe()}")
    return cmd_verify(args, settings)


def _line(event: StoredEvent) -> str:
    at = event.recorded_at.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{event.position.transaction_id}:{event.position.position} {at} {event.source:<9} "
        f"{event.stream_id} v{event.version} {event.type}"
    )


def cmd_tail(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    categories = args.category or None
    after = START if args.from_start else store.head()
    while True:
        for event in store.read_all(after, categories=categories, limit=500):
            print(_line(event), flush=True)
            after = event.position
        if not args.follow:
            return 0
        time.sleep(0.2)


# The services' own commands (`taizhang admin`, `taizhang roster`): each module's
# add_commands(subparsers) adds its subcommands and answers their functions by name.
SERVICE_COMMANDS = ("services.cli",)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="taizhang", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or update the event log schema (as its owner)")
    relay = sub.add_parser("relay", help="publish the log to RabbitMQ (one active per log)")
    relay.add_argument("--batch", type=int, default=500)
    rebuild = sub.add_parser("rebuild", help="rebuild a read model from the log")
    rebuild.add_argument("projection", help="a service name (ledger) or module:NAME")
    rebuild.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_parser("verify", help="check the hash chain: report edited or removed events")
    tail = sub.add_parser("tail", help="print events as they are stored")
    tail.add_argument("--category", action="append", help="only this category (repeatable)")
    tail.add_argument("--from-start", action="store_true", help="from the first event")
    tail.add_argument("-f", "--follow", action="store_true", help="keep printing new events")
    backup_cmd = sub.add_parser("backup", help="write the log (events, seals) to a file")
    backup_cmd.add_argument("file", help="the backup file to write (gzip'd JSON lines)")
    restore_cmd = sub.add_parser("restore", help="load a backup into a new database, then verify")
    restore_cmd.add_argument("file", help="a file `taizhang backup` wrote")
    for module in SERVICE_COMMANDS:
        COMMANDS.update(importlib.import_module(module).add_commands(sub))
    return p


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "migrate": cmd_migrate,
    "relay": cmd_relay,
    "rebuild": cmd_rebuild,
    "verify": cmd_verify,
    "tail": cmd_tail,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args, Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
