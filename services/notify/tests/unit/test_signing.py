"""Webhook signatures: what a receiver checks."""

from __future__ import annotations

from datetime import timedelta

from services.notify.domain import signing

from .conftest import NOW

KEY, BODY = b"secret", '{"title":"提醒"}'.encode()


def test_a_receiver_verifies_the_signed_body_and_timestamp():
    headers = signing.headers(KEY, NOW, BODY)
    stamp, signed = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]
    assert signed.startswith("sha256=") and len(signed) == 7 + 64
    assert signing.verify(KEY, stamp, BODY, signed, NOW)


def test_a_changed_body_key_or_timestamp_fails():
    headers = signing.headers(KEY, NOW, BODY)
    stamp, signed = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]
    assert not signing.verify(KEY, stamp, BODY + b" ", signed, NOW)
    assert not signing.verify(b"other", stamp, BODY, signed, NOW)
    assert not signing.verify(KEY, str(int(stamp) + 1), BODY, signed, NOW)
    assert not signing.verify(KEY, "soon", BODY, signed, NOW)


def test_an_old_request_is_a_replay():
    headers = signing.headers(KEY, NOW, BODY)
    stamp, signed = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]
    assert not signing.verify(KEY, stamp, BODY, signed, NOW + timedelta(minutes=6))
