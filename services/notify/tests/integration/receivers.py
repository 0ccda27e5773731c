"""Real receivers for the service tests: an SMTP server (aiosmtpd, its own process, writing a
maildir), an HTTP server checking each webhook's signature, and a test double of the appraisal
service (a real nameko service over the real RabbitMQ, answering from fixed data)."""

from __future__ import annotations

import json
import mailbox
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from nameko.rpc import rpc

from eventlog import utcnow
from services.notify.domain import signing
from tests.support import free_port


class SmtpServer:
    """aiosmtpd on 127.0.0.1, storing every mail it accepts in a maildir."""

    def __init__(self, directory: Path):
        self.port, self.directory = free_port(), directory
        command = ["-n", "-l", f"127.0.0.1:{self.port}", "-c", "aiosmtpd.handlers.Mailbox"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", *command, str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the SMTP server did not start")

    def mails(self) -> list[Any]:
        return list(mailbox.Maildir(self.directory, create=False))

    def received(self, run: str) -> Counter:
        """(recipient address, reminder key) of every mail to this run's people, counted."""
        return Counter(
            (mail["To"], mail[signing.KEY_HEADER]) for mail in self.mails() if run in mail["To"]
        )

    def stored_at(self, key: str) -> list[datetime]:
        """When the server stored each mail of the reminder `key` (its maildir file's time)."""
        return sorted(
            datetime.fromtimestamp(mail.get_date(), UTC)
            for mail in self.mails()
            if mail[signing.KEY_HEADER] == key
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class WebhookReceiver:
    """Accepts POSTs on /hook (after `fail_first` refusals), refuses every POST on /down."""

    def __init__(self, key: bytes, fail_first: int = 0):
        self.key, self.fail_first = key, fail_first
        self.hits: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.answer(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str, headers: Any, body: bytes) -> int:
        verified = signing.verify(
            self.key,
            headers[signing.TIMESTAMP_HEADER],
            body,
            headers[signing.SIGNATURE_HEADER],
            utcnow(),
        )
        refused = path == "/down" or len(self.hits) < self.fail_first
        status = 503 if refused or not verified else 200
        payload = json.loads(body)
        self.hits.append({**payload, "verified": verified, "status": status, "path": path})
        return status

    def accepted(self) -> Counter:
        return Counter(
            (hit["recipient_id"], hit["reminder_key"]) for hit in self.hits if hit["status"] == 200
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class AppraisalDouble:
    """Stands in for the appraisal service's `open_steps`: the steps are fixed by the test, with
    windows on the seeded days, so that the moved clock alone decides which are open."""

    name = "appraisal"
    steps: list[dict[str, Any]] = []

    @rpc
    def open_steps(self, actor_id: str, at: str) -> list[dict[str, Any]]:
        moment = datetime.fromisoformat(at)
        return [
            step
            for step in self.steps
            if datetime.fromisoformat(step["opens_at"])
            <= moment
            < datetime.fromisoformat(step["closes_at"])
        ]
