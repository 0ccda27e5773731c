"""Disposable servers: a RabbitMQ node and a PostgreSQL cluster of a test's own, on ports of their
own with their data in a temporary directory, so a test may stop and restart them while the
shared servers (and everyone else's tests on them) go on untouched."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest

from eventlog import Settings
from eventlog.migrate import migrate
from tests.support import free_port

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
LOOPBACK_ONLY = "-kernel inet_dist_use_interface {127,0,0,1}"


class DisposableRabbit:
    """A RabbitMQ node named and placed apart from the shared one: `start`, `stop`, `queues`."""

    def __init__(self, root: Path):
        if not (RABBITMQ_BIN / "rabbitmq-server").exists():
            pytest.skip("no RabbitMQ server installed (bash scripts/infra.sh up)")
        self.root, self.port = root, free_port()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        root.mkdir(parents=True, exist_ok=True)
        (root / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        (root / "enabled_plugins").write_text("[].\n")  # no management: no port to share
        (root / "rabbitmq-env.conf").write_text("")  # not the shared node's /etc/rabbitmq one
        self.env = {
            **os.environ,
            "HOME": str(root),  # its own Erlang cookie
            "RABBITMQ_NODENAME": f"tz{uuid.uuid4().hex[:8]}@localhost",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": LOOPBACK_ONLY,
            "RABBITMQ_CTL_ERL_ARGS": LOOPBACK_ONLY,
            "RABBITMQ_MNESIA_BASE": str(root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(root / "log"),
            "RABBITMQ_PID_FILE": str(root / "pid"),
            "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins"),
        }
        self.running = False

    def _run(self, tool: str, *args: str) -> str:
        done = subprocess.run(
            [str(RABBITMQ_BIN / tool), *args], env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{tool} {args}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self) -> None:
        """Starts the node (its durable queues and messages from before) and waits for it."""
        self._run("rabbitmq-server", "-detached")
        self.running = True
        self._run("rabbitmqctl", "wait", "--timeout", "120", str(self.root / "pid"))

    def stop(self) -> None:
        """`rabbitmqctl shutdown`, as an operator would: returns once the node's process ended."""
        self._run("rabbitmqctl", "shutdown")
        self.running = False

    def queues(self) -> dict[str, tuple[int, int]]:
        """Queue name → (consumers, messages ready or unacknowledged)."""
        out = self._run("rabbitmqctl", "-q", "list_queues", "--no-table-headers", "name",
                        "consumers", "messages")  # fmt: skip
        rows = (line.split("\t") for line in out.splitlines() if line.strip())
        return {name: (int(consumers), int(messages)) for name, consumers, messages in rows}

    def close(self) -> None:
        """Stops the node if it runs, whatever state a failed test left it in."""
        if not self.running:
            return
        try:
            self.stop()
        except AssertionError:  # it never answered: end its OS process (the node's alone)
            pid = (self.root / "pid").read_text().strip()
            if pid:
                os.kill(int(pid), signal.SIGKILL)


class DisposablePostgres:
    """A PostgreSQL cluster (initdb, pg_ctl as the postgres user) with the roles and a database
    as scripts/infra.sh provisions them, the log migrated: `create`, `stop`, `start`,
    `settings`."""

    def __init__(self, amqp_uri: str):
        if not POSTGRES_BINS:
            pytest.skip("no PostgreSQL server installed (bash scripts/infra.sh up)")
        self.bin, self.port = POSTGRES_BINS[-1], free_port()
        # Not under pytest's tmp_path: the postgres user may not enter root's directories.
        self.root = Path(tempfile.mkdtemp(prefix="taizhang-pg-"))
        os.chown(self.root, pwd.getpwnam("postgres").pw_uid, -1)
        url = f"127.0.0.1:{self.port}/taizhang_test"
        self.settings = Settings(
            database_url=f"postgresql://taizhang:taizhang@{url}",
            admin_database_url=f"postgresql://taizhang_admin:taizhang_admin@{url}",
            amqp_uri=amqp_uri,
        )
        self.running = False

    def create(self) -> None:
        """initdb, start, then the roles, the database and the log's schema."""
        self._as_postgres("initdb", "-D", "data", "--auth=trust", "-U", "postgres", "--no-sync")
        self.start()
        self._provision()

    def _as_postgres(self, tool: str, *args: str) -> None:
        argv = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args]
        done = subprocess.run(argv, cwd=self.root, capture_output=True, text=True)
        assert done.returncode == 0, f"{tool}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._as_postgres("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-o", options, "start")
        self.running = True

    def stop(self) -> None:
        """A fast shutdown, as a restart by an operator: sessions are ended, connections refused."""
        self._as_postgres("pg_ctl", "-D", "data", "-m", "fast", "-w", "stop")
        self.running = False

    def _provision(self) -> None:
        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        conn.autocommit = True  # CREATE DATABASE runs outside a transaction
        try:
            with conn.cursor() as cur:
                cur.execute("CREATE ROLE taizhang_admin LOGIN; CREATE ROLE taizhang LOGIN")
                cur.execute("CREATE DATABASE taizhang_test OWNER taizhang_admin")
                cur.execute(
                    "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE taizhang_test TO taizhang"
                )
        finally:
            conn.close()
        migrate(self.settings)

    def close(self) -> None:
        if self.running:
            self._as_postgres("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
