"""A mail server with TLS and a login, for the channel tests: aiosmtpd in a process of its own
(the tests' process is monkey-patched by eventlet, aiosmtpd's asyncio is not).

    python -m services.notify.tests.integration.tls_smtp PORT MAILDIR CERT KEY MODE USER PASSWORD

MODE is `starttls` (plain connection, STARTTLS required before AUTH and mail) or `ssl` (TLS from
the first byte). Accepted mails go to MAILDIR.
"""

from __future__ import annotations

import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main(port: str, maildir: str, cert: str, key: str, mode: str, user: str, password: str):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535

    # aiosmtpd counts only STARTTLS as TLS when it decides whether to offer AUTH; with `ssl`
    # the connection is encrypted from the first byte, so AUTH is offered regardless.
    tls = (
        {"ssl_context": context, "auth_require_tls": False}
        if mode == "ssl"
        else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    )
    controller = Controller(
        Mailbox(maildir), hostname="127.0.0.1", port=int(port), authenticator=authenticate, **tls
    )
    controller.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(*sys.argv[1:])
