"""Mail through a real server that demands TLS and a login, as an institution's mail server does."""

from __future__ import annotations

import mailbox
import subprocess
import sys

import pytest

from services.notify.adapters.channels import Channels, ChannelSettings
from services.notify.domain import signing
from tests.support import free_port

USER, PASSWORD = "taizhang@court.example", "s3cret pass"
REMINDER = {"email": "m1@example.cn", "title": "提醒：调研报告", "body": "请按时完成"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1: the tests' own CA."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [*request, "-keyout", key, "-out", cert, *subject],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(params=["starttls", "ssl"])
def server(request, certificate, tmp_path):
    port, maildir = free_port(), tmp_path / "maildir"
    command = [sys.executable, "-m", "services.notify.tests.integration.tls_smtp", str(port)]
    process = subprocess.Popen(
        [*command, str(maildir), *certificate, request.param, USER, PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    yield {"port": port, "mode": request.param, "maildir": maildir, "ca": certificate[0]}
    process.terminate()
    process.wait(timeout=10)


def channels(server, **settings) -> Channels:
    chosen = {
        "smtp_port": server["port"],
        "smtp_security": server["mode"],
        "smtp_user": USER,
        "smtp_password": PASSWORD,
        "smtp_ca_file": server["ca"],
        "timeout": 5.0,
        **settings,
    }
    return Channels(ChannelSettings(**chosen))


def delivered(server) -> list:
    folder = server["maildir"]
    return list(mailbox.Maildir(folder, create=False)) if folder.exists() else []


def test_a_mail_goes_through_tls_and_a_login(server):
    reminder = {**REMINDER, "reminder_key": "k-tls"}
    assert channels(server).send("email", reminder, attempt=1) is None
    [mail] = delivered(server)
    assert mail["To"] == "m1@example.cn" and mail[signing.KEY_HEADER] == "k-tls"


def test_a_wrong_password_is_a_failed_send(server):
    reminder = {**REMINDER, "reminder_key": "k-auth"}
    error = channels(server, smtp_password="wrong").send("email", reminder, attempt=1)
    assert error is not None and "Authentication" in error
    assert delivered(server) == []


def test_a_certificate_nobody_vouched_for_is_refused(server):
    """Without the CA file the system's CAs are trusted, and none of them signed this one."""
    reminder = {**REMINDER, "reminder_key": "k-ca"}
    error = channels(server, smtp_ca_file="").send("email", reminder, attempt=1)
    assert error is not None and "CERTIFICATE_VERIFY_FAILED" in error
    assert delivered(server) == []


def test_a_login_without_tls_is_refused_at_start():
    with pytest.raises(ValueError, match="in clear"):
        ChannelSettings(smtp_user=USER, smtp_password=PASSWORD)
    with pytest.raises(ValueError, match="ASCII"):  # smtplib sends no other characters
        ChannelSettings(smtp_security="starttls", smtp_user=USER, smtp_password="密码")
    with pytest.raises(ValueError, match="TAIZHANG_SMTP_SECURITY"):
        ChannelSettings(smtp_security="tls1")
