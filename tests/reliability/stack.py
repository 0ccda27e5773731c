"""The services as OS processes (`nameko run`, as deployed), a branch whose secretary signs in
at the gateway, and what the log says was planned in it.

Each test seeds a branch of its own, so the log's other streams do not matter to it. The
services' broker and database are the test's (the shared ones, or disposable servers started by
the test, given as URLs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from eventlog import Database, PostgresEventStore, ProjectionRunner
from eventlog.nameko import ReadModel
from services.gateway.users import handlers as users
from services.gateway.users.credentials import hash_password
from services.gateway.users.domain import RegisterUser
from tests.support import SERVICES, free_port, service_class, wait_for

from .clients import Clients, Keyed
from .harness import Children

# Seconds the gateway waits for the ledger before it answers 503: less than the default, so that a
# killed ledger costs the clients less waiting.
RPC_TIMEOUT = 2
START_SECONDS = 60
# A service started for the first time in a session sweeps the whole log before it knows a new
# branch: every event the session's earlier tests wrote.
CATCH_UP_SECONDS = 180
PASSWORD = "correct horse battery"


@dataclass
class Branch:
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def branch_id(self) -> str:
        return f"b{self.run}"

    @property
    def secretary(self) -> str:
        return f"sec{self.run}"

    @property
    def username(self) -> str:
        return f"u{self.secretary}"


class Stack:
    """The services under test, talking through `amqp_uri` and writing to `database_url`."""

    def __init__(
        self, children: Children, amqp_uri: str, database_url: str, rpc_timeout=RPC_TIMEOUT
    ):
        self.children, self.amqp_uri, self.database_url = children, amqp_uri, database_url
        self.rpc_timeout = rpc_timeout
        self.url = f"http://127.0.0.1:{free_port()}"
        self.branch = Branch()
        self.started: set[str] = set()

    def start(self, name: str) -> None:
        """A service, or `relay`: a standalone relay (`taizhang relay`), as deployed beside them."""
        env = {
            "TAIZHANG_AMQP_URI": self.amqp_uri,
            "TAIZHANG_DATABASE_URL": f"{self.database_url}?application_name={name}",
            "TAIZHANG_HTTP_ADDRESS": self.url.removeprefix("http://"),
            "TAIZHANG_RPC_TIMEOUT": str(self.rpc_timeout),
        }
        if name == "relay":
            argv: tuple[str, ...] = ("-m", "eventlog.cli", "relay")
        else:
            argv = ("-m", "nameko", "run", "--config", "deploy/nameko.yml", SERVICES[name])
        self.children.start(name, *argv, env=env)
        self.started.add(name)

    def restart(self, name: str) -> None:
        """kill -9, then started again at once, as a supervisor would."""
        self.children.kill(name)
        self.start(name)

    def seed(self) -> str:
        """A branch and its secretary, through the ledger; returns the secretary's token."""
        b = self.branch
        with ClusterRpcProxy({"AMQP_URI": self.amqp_uri}, timeout=10) as rpc:
            ledger = rpc.ledger
            boss, institution = f"boss{b.run}", f"i{b.run}"
            founders = [{"person_id": boss, "name": "委员"}]
            ledger.register_institution(
                actor_id=boss, institution_id=institution, name="机关", founders=founders
            )
            ledger.register_branch(
                actor_id=boss, institution_id=institution, branch_id=b.branch_id, name="支部"
            )
            ledger.admit_member(
                actor_id=boss, branch_id=b.branch_id, member_id=b.secretary, name="书记"
            )
            ledger.grant_role(
                actor_id=boss, branch_id=b.branch_id, member_id=b.secretary, role="secretary"
            )
        db = Database(self.database_url, max_connections=1)
        try:
            store = PostgresEventStore(db, source="gateway")
            user = RegisterUser(b.username, b.secretary, hash_password(PASSWORD), False)
            users.register(store, user, actor_id="test")
        finally:
            db.close()
        return self.sign_in()

    def sign_in(self) -> str:
        def token() -> str | None:
            body = {"username": self.branch.username, "password": PASSWORD}
            answer = requests.post(f"{self.url}/api/v1/auth/token", json=body, timeout=10)
            return answer.json()["access_token"] if answer.status_code == 200 else None

        return wait_for(token, START_SECONDS, "the gateway", retrying=(requests.ConnectionError,))

    def await_known(self, token: str, path: str) -> None:
        """Until a read of `path` through the gateway, as the branch's secretary, answers 200:
        the service behind it has learnt the branch and its secretary from the ledger's events.
        A command sent before would be refused, and the refusal kept as its key's outcome."""
        headers = {"Authorization": f"Bearer {token}"}

        def known() -> bool:
            return requests.get(self.url + path, headers=headers, timeout=10).status_code == 200

        wait_for(known, CATCH_UP_SECONDS, f"GET {path} to answer", pause=0.2)

    def await_ledger(self) -> None:
        """Until the ledger answers RPC (it has declared its queues and consumes them)."""

        def answers() -> bool:
            with ClusterRpcProxy({"AMQP_URI": self.amqp_uri}, timeout=2) as rpc:
                rpc.ledger.member_roles(person_id="nobody")
            return True

        wait_for(answers, START_SECONDS, "the ledger", retrying=(Exception,), pause=0.5)


def planned(db: Database, branch_id: str) -> dict[str, list[str]]:
    """Title → the ids of the items planned with it in the branch, as the log has them."""
    rows = db.fetch_all(
        "SELECT stream_id, data->>'title' AS title FROM eventlog.events"
        " WHERE event_type = 'ItemPlanned' AND branch_id = %s",
        (branch_id,),
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["title"], []).append(row["stream_id"].removeprefix("item-"))
    return found


def read_model_items(db: Database, branch_id: str) -> int:
    row = db.fetch_one("SELECT count(*) AS n FROM ledger.items WHERE branch_id = %s", (branch_id,))
    return row["n"] if row else 0


def assert_each_key_planned_once(
    db: Database, branch_id: str, commands: list[Keyed], clients: Clients
) -> None:
    """Each command's title was planned once in the log, as the item its key was answered with,
    and the ledger's read model has caught up with all of them."""
    answers = clients.answers
    unanswered = {
        command.key: clients.refused.get(command.key) or clients.last.get(command.key)
        for command in commands
        if command.key not in answers
    }
    assert not unanswered, (
        f"{len(unanswered)} keys not answered 200, e.g. (key: last answer)"
        f" {dict(list(unanswered.items())[:5])}; {clients.summary()}"
    )
    found = planned(db, branch_id)
    misplanned = {
        command.key: (answers[command.key]["id"], found.get(command.body["title"], []))
        for command in commands
        if found.get(command.body["title"]) != [answers[command.key]["id"]]
    }
    assert not misplanned, (
        f"{len(misplanned)} keys not planned once as the item they were answered with, e.g."
        f" (key: (answered, planned)) {dict(list(misplanned.items())[:5])}"
    )
    sent = {command.body["title"] for command in commands}
    strays = {title: ids for title, ids in found.items() if title not in sent}
    assert not strays, f"items planned that no command asked for: {strays}"

    def caught_up() -> bool:
        return read_model_items(db, branch_id) == len(commands)

    try:
        wait_for(caught_up, 60, "the read model")
    except AssertionError as late:
        found_items = read_model_items(db, branch_id)
        raise AssertionError(f"{late}: {found_items} items of {len(commands)}") from None


def kept(db: Database, table: str, where: str) -> str:
    """A copy, as text, of the rows of `table` a rebuild remakes (`where`), in a table of the
    tests' own; returns its name."""
    copy = f"reliability.live_{uuid.uuid4().hex[:12]}"
    db.execute("CREATE SCHEMA IF NOT EXISTS reliability")
    db.execute(
        f"CREATE UNLOGGED TABLE {copy} AS SELECT t::text AS row FROM {table} AS t WHERE {where}"
    )
    return copy


def unlike(db: Database, table: str, where: str, copy: str) -> str:
    """How the rows of `table` now differ from `copy`: how many are only in one, and a few."""
    found = []
    rows = f"SELECT t::text FROM {table} AS t WHERE {where}"
    for side, difference in (
        ("live", f"SELECT row FROM {copy} EXCEPT ALL {rows}"),
        ("rebuilt", f"{rows} EXCEPT ALL SELECT row FROM {copy}"),
    ):
        row = db.fetch_one(
            f"SELECT count(*) AS n, (array_agg(d.row))[1:3] AS some FROM ({difference}) AS d(row)"
        )
        if row and row["n"]:
            found.append(f"{row['n']} rows only {side}, e.g. {row['some']}")
    return "; ".join(found)


def assert_read_models_rebuild_alike(db: Database, stack: Stack) -> None:
    """Stops the stack; then each read model of its services, caught up with the log as their
    sweep would, holds row for row what a rebuild from the log makes of it (the rows a rebuild
    remakes: Projection.remade)."""
    stack.children.close()
    for name in sorted(stack.started & SERVICES.keys()):
        for provider in vars(service_class(name)).values():
            if not isinstance(provider, ReadModel):
                continue
            # The service's own store: a read model's reactions append as the service.
            runner = ProjectionRunner(db, PostgresEventStore(db, source=name), provider.projection)
            runner.catch_up()
            projection = provider.projection
            tables = {table: projection.remade.get(table, "true") for table in projection.tables}
            copies = {table: kept(db, table, where) for table, where in tables.items()}
            try:
                runner.rebuild()
                differences = {
                    table: found
                    for table, where in tables.items()
                    if (found := unlike(db, table, where, copies[table]))
                }
            finally:
                for copy in copies.values():
                    db.execute(f"DROP TABLE {copy}")
            assert not differences, f"{runner.name} rebuilt unlike the live one: {differences}"
