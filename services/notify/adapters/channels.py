"""Sending a reminder: email over SMTP, or a signed JSON POST to the member's webhook.

Both carry the reminder key (the mail's Message-ID, the webhook's X-Taizhang-Reminder header),
so a receiver can drop the one resend that at-least-once delivery allows (domain.reminders). A
webhook goes only to a public address, or to a network the operator allows (adapters.targets).
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import eventlet
import requests

from eventlog import utcnow

from ..domain import signing
from ..domain.targets import TargetPolicy
from .targets import Resolve, WebhookTargets, resolve


class Refused(Exception):
    """The receiver answered, but not with success."""


SMTP_SECURITY = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class ChannelSettings:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_from: str = "taizhang@localhost"
    # none (a local relay), starttls (submission, port 587) or ssl (implicit TLS, port 465)
    smtp_security: str = "none"
    smtp_user: str = ""  # with a password: log in after TLS
    smtp_password: str = ""
    smtp_ca_file: str = ""  # a private CA's certificate; else the system's CAs are trusted
    webhook_key: bytes = b""
    timeout: float = 10.0  # per send, in all; under the shortest backoff (the attempt's lease)
    # Public addresses only, unless the operator allows networks.
    targets: TargetPolicy = field(default_factory=TargetPolicy)

    def __post_init__(self) -> None:
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(f"TAIZHANG_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
        if self.smtp_user and self.smtp_security == "none":
            raise ValueError(
                "TAIZHANG_SMTP_USER is set but TAIZHANG_SMTP_SECURITY is none: the password"
                " would cross the network in clear; use starttls or ssl"
            )
        if not (self.smtp_user + self.smtp_password).isascii():
            raise ValueError("TAIZHANG_SMTP_USER and _PASSWORD: smtplib logs in with ASCII only")

    @classmethod
    def from_env(cls, timeout: float) -> ChannelSettings:
        env = os.environ.get
        return cls(
            smtp_host=env("TAIZHANG_SMTP_HOST", cls.smtp_host),
            smtp_port=int(env("TAIZHANG_SMTP_PORT", str(cls.smtp_port))),
            smtp_from=env("TAIZHANG_SMTP_FROM", cls.smtp_from),
            smtp_security=env("TAIZHANG_SMTP_SECURITY", cls.smtp_security).strip().lower(),
            smtp_user=env("TAIZHANG_SMTP_USER", ""),
            smtp_password=env("TAIZHANG_SMTP_PASSWORD", ""),
            smtp_ca_file=env("TAIZHANG_SMTP_CA_FILE", ""),
            webhook_key=env("TAIZHANG_WEBHOOK_KEY", "").encode(),
            timeout=timeout,
            targets=allowed_networks(env(ALLOWED_NETWORKS, "")),
        )


ALLOWED_NETWORKS = "TAIZHANG_WEBHOOK_ALLOWED_NETWORKS"


def allowed_networks(value: str) -> TargetPolicy:
    """The operator's networks; a value that is no list of networks stops the service."""
    try:
        return TargetPolicy.parse(value)
    except ValueError as wrong:
        raise ValueError(f"{ALLOWED_NETWORKS}: {wrong} (e.g. 10.1.0.0/16,::1/128)") from wrong


class Channels:
    def __init__(self, settings: ChannelSettings, resolver: Resolve = resolve):
        self.settings = settings
        self.webhooks = WebhookTargets(settings.targets, resolver).session()
        # Made once: it reads the CA certificates (a missing CA file fails at start, not per send).
        self.tls = (
            ssl.create_default_context(cafile=settings.smtp_ca_file or None)
            if settings.smtp_security != "none"
            else None
        )

    def send(self, channel: str, reminder: Mapping[str, Any], attempt: int) -> str | None:
        """Sends on `channel`; None when it was accepted, else what went wrong.

        The timeout bounds the whole send, not each socket operation as smtplib's and requests'
        own do: an SMTP conversation is half a dozen round trips, each of which may take almost
        the timeout, and a send that outlives its attempt's lease is sent again by another
        instance.
        """
        deadline = eventlet.Timeout(self.settings.timeout)
        try:
            if channel == "email":
                self.email(reminder)
            else:
                self.webhook(reminder, attempt)
        except eventlet.Timeout as expired:
            if expired is not deadline:
                raise
            return f"Timeout: no answer within {self.settings.timeout:g} s in all"
        except (OSError, smtplib.SMTPException, requests.RequestException, Refused) as error:
            return f"{type(error).__name__}: {error}"[:500]
        finally:
            deadline.cancel()
        return None

    def email(self, reminder: Mapping[str, Any]) -> None:
        message = EmailMessage()
        message["From"] = self.settings.smtp_from
        message["To"] = reminder["email"]
        message["Subject"] = reminder["title"]
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{reminder['reminder_key']}@taizhang>"
        message[signing.KEY_HEADER] = reminder["reminder_key"]
        message.set_content(reminder["body"])
        smtp = self._smtp()
        try:
            smtp.send_message(message)
            # The server has taken the message: the send succeeded. The goodbye is a courtesy,
            # and nothing that becomes of it, not even the send's timeout expiring on it, may
            # make this attempt a failure: the reminder would be mailed again.
            with suppress(eventlet.Timeout, OSError, smtplib.SMTPException):
                smtp.quit()
        finally:  # not `with`: on a timeout its QUIT would wait for an answer once more
            smtp.close()

    def _smtp(self) -> smtplib.SMTP:
        """A connection to the mail server, encrypted and logged in as the settings say."""
        s = self.settings
        if s.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.timeout, context=self.tls
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        try:
            if s.smtp_security == "starttls":
                smtp.starttls(context=self.tls)
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def webhook(self, reminder: Mapping[str, Any], attempt: int) -> None:
        key = self.settings.webhook_key
        if not key:
            raise Refused("TAIZHANG_WEBHOOK_KEY is not set: webhooks are never sent unsigned")
        body = json.dumps(payload(reminder, attempt), ensure_ascii=False).encode()
        # The timestamp is the transport's (wall clock), not the scan's clock: the receiver
        # checks it against its own clock to refuse replays.
        headers = {
            **signing.headers(key, utcnow(), body),
            signing.KEY_HEADER: reminder["reminder_key"],
        }
        # The status line is the receiver's verdict; its body is not read (`stream`): a slow
        # body after a 2xx must not turn a delivered reminder into a failed one, sent again.
        with self.webhooks.post(
            reminder["webhook_url"],
            data=body,
            headers=headers,
            timeout=self.settings.timeout,
            stream=True,
        ) as answer:
            if not answer.ok:
                raise Refused(f"HTTP {answer.status_code} from the webhook")


def payload(reminder: Mapping[str, Any], attempt: int) -> dict[str, Any]:
    fields = ("reminder_key", "rule", "subject_id", "period", "recipient_id", "branch_id")
    return {
        **{name: reminder[name] for name in fields},
        "title": reminder["title"],
        "body": reminder["body"],
        "attempt": attempt,
    }
