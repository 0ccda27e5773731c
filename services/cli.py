"""`taizhang admin …` and `taizhang roster …`: the first administrator, password resets and roster
imports from a shell, against the log directly (as the demo loads it), the services running or
not: what they append reaches the services' read models as every event does. They act as the
ledger and as the gateway at once (each writes its own streams, through its own handlers), so
they belong to neither.

    taizhang admin create --institution org1 --institution-name 某机关 --username admin --name 王伟
    taizhang admin reset-password zhangsan
    taizhang roster template roster.xlsx
    taizhang roster import roster.xlsx --institution org1 --as admin [--apply]

A password made here is one-time, printed once, and must be changed at the first sign-in.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eventlog import Database, PostgresEventStore, ProjectionRunner, Settings, utcnow
from services.common.actors import service_actor
from services.common.errors import EXPECTED
from services.common.handlers import load as load_stream
from services.common.periods import DEFAULT_TIMEZONE
from services.common.schemas import ID_RULE, load
from services.gateway.roster import files, importing
from services.gateway.users import handlers as users
from services.gateway.users.credentials import hash_one_time, one_time_password
from services.gateway.users.domain import RegisterUser
from services.ledger.domain import institution
from services.ledger.handlers import organisation as org
from services.ledger.handlers import roster as roster_handlers
from services.ledger.projection import PROJECTION as LEDGER
from services.ledger.schemas import commands as cs
from services.ledger.schemas import roster as rs

# Who a reset from the shell is recorded as: the operator acts as the gateway would.
OPERATOR = service_actor("gateway")


class Stores:
    """The log as the ledger and as the gateway write to it (each its own streams)."""

    def __init__(self, settings: Settings):
        self.db = Database(settings.database_url, max_connections=4)
        self.ledger = PostgresEventStore(self.db, source="ledger")
        self.gateway = PostgresEventStore(self.db, source="gateway")


def admin_create(args: argparse.Namespace, settings: Settings) -> int:
    """The institution with the administrator on its committee (when it is new), and their
    user, an administrator, with a one-time password."""
    stores = Stores(settings)
    if users.load(stores.gateway, args.username)[0].username:
        return _fail(f"用户“{args.username}”已存在（重设密码：taizhang admin reset-password)")
    person = args.username
    state, _ = load_stream(
        stores.ledger,
        f"institution-{args.institution}",
        institution.evolve,
        institution.Institution(),
    )
    if not state.institution_id:
        founding = {
            "actor_id": person,
            "institution_id": args.institution,
            "name": args.institution_name,
            "founders": [{"person_id": person, "name": args.name}],
            "timezone": args.timezone,
        }
        org.register_institution(load(cs.RegisterInstitution(), founding), stores.ledger, utcnow())
    elif person not in state.committee:  # founded by an earlier run cut short: taken as it is
        return _fail(f"机构“{args.institution}”已存在，{person}不在其委员会中")
    password = one_time_password()
    cmd = RegisterUser(
        args.username, person, hash_one_time([password])[0], admin=True, one_time=True
    )
    users.register(stores.gateway, cmd, actor_id=person)
    print(f"机构“{args.institution_name}”（{args.institution}）已建立，管理员：{args.name}")
    print(f"用户名：{args.username}")
    print(f"一次性密码：{password}（首次登录须修改：POST /api/v1/auth/one-time-password）")
    return 0


def admin_reset_password(args: argparse.Namespace, settings: Settings) -> int:
    stores = Stores(settings)
    password = one_time_password()
    password_hash = hash_one_time([password])[0]
    users.reset_password(stores.gateway, args.username, password_hash, args.reason, OPERATOR)
    print(f"用户“{args.username}”的一次性密码：{password}（登录后须修改）")
    return 0


def roster_template(args: argparse.Namespace, settings: Settings) -> int:
    with open(args.file, "wb") as out:
        out.write(files.template())
    print(f"名册模板已写入 {args.file}")
    return 0


def roster_import(args: argparse.Namespace, settings: Settings) -> int:
    stores = Stores(settings)
    actor = users.load(stores.gateway, args.actor)[0]
    if not actor.username:
        return _fail(f"没有用户“{args.actor}”")
    # Which branches the institution has is read from the ledger's read model: brought up to
    # the log first, the ledger service running or not.
    runner = ProjectionRunner(stores.db, stores.ledger, LEDGER)
    runner.setup()
    runner.catch_up()

    def import_roster(**payload: Any) -> dict[str, Any]:
        cmd = load(rs.ImportRoster(), payload)
        return roster_handlers.import_roster(cmd, stores.ledger, stores.db, utcnow())[0]

    with open(args.file, "rb") as given:
        content = given.read()
    ports = importing.Ports(import_roster, stores.gateway, hash_one_time)
    try:
        report = importing.run(ports, actor.person_id, args.institution, content, not args.apply)
    except files.UnreadableRoster as error:
        return _fail(str(error))
    _print_report(report, args.apply)
    return 0 if report["valid"] else 1


def _print_report(report: dict[str, Any], apply: bool) -> None:
    for row in report["rows"]:
        what = "；".join(row["changes"]) if row["changes"] else ""
        wrong = "；".join(f"{column}：{'；'.join(m)}" for column, m in row["errors"].items())
        print(f"{row['sheet']} 第{row['row']}行 {row['status']} {wrong or what}".rstrip())
    counts = "，".join(f"{kind} {n}" for kind, n in sorted(report["summary"].items())) or "无"
    if not report["valid"]:
        print(f"名册有误，未作任何更改。将作的更改：{counts}")
    elif not apply:
        print(f"预演：未作任何更改。将作的更改：{counts}（加 --apply 导入）")
    else:
        print(f"已导入：{counts}")
    for account in report["accounts"]:
        print(
            f"账号 {account['login']}\t{account['name']}\t一次性密码 {account['one_time_password']}"
        )


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _id(text: str) -> str:
    if ID_RULE.regex.match(text) is None:
        raise argparse.ArgumentTypeError("1–64 letters, digits or _.:-")
    return text


def add_commands(sub: Any) -> dict[str, Any]:
    """The subcommands, on `taizhang`'s parser; answers command name → function."""
    admin = sub.add_parser("admin", help="the first administrator; password resets")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create", help="found the institution with its administrator")
    create.add_argument("--institution", type=_id, required=True, help="the institution's id")
    create.add_argument("--institution-name", required=True, help="its name, e.g. 某某机关党委")
    create.add_argument("--username", type=_id, required=True, help="the administrator's login")
    create.add_argument("--name", required=True, help="the administrator's name")
    create.add_argument("--timezone", default=DEFAULT_TIMEZONE)
    create.set_defaults(run=admin_create)
    reset = admin_sub.add_parser("reset-password", help="a one-time password for a user")
    reset.add_argument("username", type=_id)
    reset.add_argument("--reason", default="管理员重设", help="why, kept with the reset")
    reset.set_defaults(run=admin_reset_password)
    roster = sub.add_parser("roster", help="the roster template; importing a roster file")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    template = roster_sub.add_parser("template", help="write the XLSX template to fill in")
    template.add_argument("file")
    template.set_defaults(run=roster_template)
    imports = roster_sub.add_parser("import", help="check a roster file (a dry run), or import it")
    imports.add_argument("file", help="an XLSX workbook like the template, or a CSV of 党员")
    imports.add_argument("--institution", type=_id, required=True)
    imports.add_argument("--as", dest="actor", type=_id, required=True, help="a committee user")
    imports.add_argument("--apply", action="store_true", help="import (default: a dry run)")
    imports.set_defaults(run=roster_import)
    return {"admin": _run, "roster": _run}


def _run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return args.run(args, settings)
    except EXPECTED as error:  # refused by a service's rules: said, not a traceback
        return _fail(f"{type(error).__name__}: {getattr(error, 'messages', error)}")
