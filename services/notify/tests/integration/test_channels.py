"""Sending against a real socket: the send timeout bounds the whole send."""

from __future__ import annotations

import eventlet

from services.notify.adapters.channels import Channels, ChannelSettings

REPLY_DELAY = 0.3  # each answer of the server: well under the timeout, as each socket read is
TIMEOUT = 0.5


def slow_smtp_server() -> tuple[int, eventlet.greenthread.GreenThread]:
    """An SMTP server that accepts everything but takes REPLY_DELAY over every answer."""
    listener = eventlet.listen(("127.0.0.1", 0))

    def reply(conn, line: bytes) -> None:
        eventlet.sleep(REPLY_DELAY)
        conn.sendall(line)

    def serve() -> None:
        conn, _ = listener.accept()
        reader = conn.makefile("rb")
        reply(conn, b"220 slow ESMTP\r\n")
        while line := reader.readline():
            command = line.strip().upper()
            if command == b"DATA":
                reply(conn, b"354 go on\r\n")
                while reader.readline().rstrip(b"\r\n") != b".":
                    pass
            reply(conn, b"221 bye\r\n" if command == b"QUIT" else b"250 ok\r\n")

    return listener.getsockname()[1], eventlet.spawn(serve)


def test_a_send_is_bounded_in_all_not_per_round_trip():
    """Every one of the conversation's six answers comes within the timeout, so smtplib's own
    per-operation timeout never fires; the send must still stop at the timeout, since its
    attempt's lease is sized by it."""
    port, server = slow_smtp_server()
    channels = Channels(ChannelSettings(smtp_port=port, timeout=TIMEOUT))
    reminder = {"email": "m1@example.cn", "title": "提醒", "body": "请按时完成"}
    reminder["reminder_key"] = "k1"
    try:
        error = channels.send("email", reminder, attempt=1)
    finally:
        server.kill()
    assert error is not None and error.startswith("Timeout")
