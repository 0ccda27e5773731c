"""A roster import from end to end, for the HTTP endpoint and the CLI alike: the file read, the
ledger's part (branches, groups, members, roles) and the gateway's (a user for every member).

All or nothing across the two services, which each write their own streams only: everything is
checked before anything is stored: the file's shape, the logins against the users the log
holds, then the ledger's rows. The ledger then appends all its changes in one batch (its own
check again, at the versions it reads: a change meanwhile refuses the batch), and after it the
gateway registers every missing user in one batch. Between those two appends a crash leaves
members without users; as the import adds only what is missing, running it again completes it,
and the same file once more changes nothing.

A new user's one-time password is in the real run's answer only: the log holds its hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from services.common import roster as r
from services.common.schemas import ID_RULE

from ..users import handlers as users
from ..users.credentials import one_time_password
from ..users.domain import RegisterUser, User, evolve, stream_id
from . import files


@dataclass(frozen=True)
class Ports:
    """What an import works with: the ledger's `import_roster` (an RPC, or its handler run in
    this process), the log the users are kept in, how to hash one-time passwords, and what
    to do with the users' events once stored (the gateway applies them to its read model)."""

    import_roster: Callable[..., dict[str, Any]]
    store: Any
    hash_all: Callable[[list[str]], list[str]]
    stored: Callable[[list[Any]], None] = lambda events: None


def run(ports: Ports, actor_id: str, institution_id: str, content: bytes, dry_run: bool):
    """The report; on a real run without errors, the changes stored and the new users'
    one-time passwords. Raises files.UnreadableRoster for a file that cannot be read at all."""
    roster = files.read(content)
    if roster.problems:
        rows = [row.as_dict() for row in roster.problems]
        return {"valid": False, "applied": False, "rows": rows, "summary": {}, "accounts": []}
    missing, taken = _accounts(ports.store, roster.members)
    arguments = {"actor_id": actor_id, "institution_id": institution_id}
    arguments |= {"units": roster.units, "members": roster.members}
    report = ports.import_roster(**arguments, dry_run=dry_run or bool(taken))
    _merge(report, roster.members, missing, taken)
    report["accounts"] = []
    if report["valid"] and not dry_run and missing:
        report["accounts"] = _register(ports, actor_id, missing)
        report["applied"] = True
    return report


def _accounts(store: Any, members: list[dict[str, Any]]):
    """(login → name of the members without a user, login → row whose login is another's)."""
    logins = {row["login"] for row in members if ID_RULE.regex.match(row.get("login", ""))}
    found = store.read_streams([stream_id(login) for login in logins])
    missing, taken = {}, {}
    for row in members:
        login = row.get("login", "")
        if login not in logins:
            continue  # the ledger says what is wrong with it
        user = reduce(evolve, found[stream_id(login)], User())
        if not user.username:
            missing.setdefault(login, row.get("name", ""))
        elif user.person_id != login:
            taken[login] = row["row"]
    return missing, taken


def _merge(report: dict[str, Any], members, missing: dict[str, str], taken: dict[str, int]):
    """The gateway's part, on the rows of the ledger's report (each login on its first row)."""
    rows = {(row["sheet"], row["row"]): row for row in report["rows"]}
    first: dict[str, int] = {}
    for member in members:
        login = member.get("login", "")
        if first.setdefault(login, member["row"]) != member["row"]:
            continue
        row = rows[(r.MEMBERS, member["row"])]
        if login in taken:
            message = f"登录名“{login}”已是另一人的账号"
            row["errors"].setdefault(r.LOGIN, []).append(message)
            row["status"] = "错误"
        elif login in missing and not row["errors"]:
            row["changes"].append(f"新建账号“{login}”（一次性密码）")
            row["status"] = "变更"
    report["valid"] = report["valid"] and not taken
    report["applied"] = report["applied"] and not taken
    if missing and report["valid"]:
        report["summary"]["UserRegistered"] = len(missing)


def _register(ports: Ports, actor_id: str, missing: dict[str, str]) -> list[dict[str, str]]:
    logins = sorted(missing)
    passwords = [one_time_password() for _ in logins]
    hashes = ports.hash_all(passwords)
    cmds = [
        RegisterUser(login, login, password_hash, one_time=True)
        for login, password_hash in zip(logins, hashes, strict=True)
    ]
    ports.stored(users.register_all(ports.store, cmds, actor_id))
    return [
        {"login": login, "name": missing[login], "one_time_password": password}
        for login, password in zip(logins, passwords, strict=True)
    ]
