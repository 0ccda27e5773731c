"""Sending against a real socket: the send timeout bounds the whole send, and once the receiver
has taken the reminder nothing after that makes the attempt a failure (it would be sent again)."""

from __future__ import annotations

from collections.abc import Callable

import eventlet

from services.notify.adapters.channels import Channels, ChannelSettings
from services.notify.domain.targets import TargetPolicy

REPLY_DELAY = 0.3  # each answer of the server: well under the timeout, as each socket read is
TIMEOUT = 0.5
LATE = 4 * TIMEOUT  # an answer that comes long after the send's timeout
REMINDER = {
    "email": "m1@example.cn",
    "title": "提醒",
    "body": "请按时完成",
    "reminder_key": "k1",
    "rule": "overdue",
    "subject_id": "it1",
    "period": "once",
    "recipient_id": "m1",
    "branch_id": "b1",
}


def smtp_server(
    delay: Callable[[bytes], float],
) -> tuple[int, eventlet.greenthread.GreenThread, list]:
    """An SMTP server that accepts everything, taking `delay(command)` seconds over each answer
    (`b""`: its greeting); the messages it took are added to the list it returns."""
    listener, taken = eventlet.listen(("127.0.0.1", 0)), []

    def reply(conn, command: bytes, line: bytes) -> None:
        eventlet.sleep(delay(command))
        conn.sendall(line)

    def serve() -> None:
        conn, _ = listener.accept()
        reader = conn.makefile("rb")
        reply(conn, b"", b"220 test ESMTP\r\n")
        while line := reader.readline():
            command = line.strip().upper()
            if command == b"DATA":
                reply(conn, command, b"354 go on\r\n")
                message = list(iter(lambda: reader.readline().rstrip(b"\r\n"), b"."))
                taken.append(message)
                command = b"."  # the answer to the message itself
            reply(conn, command, b"221 bye\r\n" if command == b"QUIT" else b"250 ok\r\n")

    return listener.getsockname()[1], eventlet.spawn(serve), taken


def mail(port: int) -> str | None:
    return Channels(ChannelSettings(smtp_port=port, timeout=TIMEOUT)).send("email", REMINDER, 1)


def test_a_send_is_bounded_in_all_not_per_round_trip():
    """Every one of the conversation's six answers comes within the timeout, so smtplib's own
    per-operation timeout never fires; the send must still stop at the timeout, since its
    attempt's lease is sized by it."""
    port, server, _ = smtp_server(lambda command: REPLY_DELAY)
    try:
        error = mail(port)
    finally:
        server.kill()
    assert error is not None and error.startswith("Timeout")


def test_a_mail_the_server_took_is_sent_however_late_its_goodbye():
    """The server takes the message at once and answers QUIT only after the send's timeout: the
    mail was delivered, and the attempt says so."""
    port, server, taken = smtp_server(lambda command: LATE if command == b"QUIT" else 0)
    try:
        error = mail(port)
    finally:
        server.kill()
    assert error is None and len(taken) == 1


def webhook_receiver(status: bytes) -> tuple[str, eventlet.greenthread.GreenThread]:
    """Answers one POST with `status` at once, then announces a body that it never sends."""
    listener = eventlet.listen(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        reader = conn.makefile("rb")
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            length = int(value) if name.lower() == b"content-length" else length
        reader.read(length)
        conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 100\r\n\r\n")
        eventlet.sleep(LATE)

    host, port = listener.getsockname()
    return f"http://{host}:{port}/hook", eventlet.spawn(serve)


def hook(status: bytes) -> str | None:
    url, receiver = webhook_receiver(status)
    settings = ChannelSettings(
        webhook_key=b"k", timeout=TIMEOUT, targets=TargetPolicy.parse("127.0.0.0/8")
    )
    try:
        return Channels(settings).send("webhook", {**REMINDER, "webhook_url": url}, 1)
    finally:
        receiver.kill()


def test_a_webhook_is_judged_by_its_status_whatever_its_body_does():
    """The receiver accepts at once and then stalls in its body: delivered. A refusal stalling
    the same way is still a refusal."""
    assert hook(b"200 OK") is None
    refused = hook(b"503 Service Unavailable")
    assert refused is not None and "503" in refused
