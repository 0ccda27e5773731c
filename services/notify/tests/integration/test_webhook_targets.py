"""Webhooks are refused again when sent (a name can resolve elsewhere than when it was set, and a
preference may predate the rule), with a real receiver on this host: nothing reaches it unless
the operator allows its network."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.notify.adapters.channels import Channels, ChannelSettings
from services.notify.domain.targets import TargetPolicy

from .receivers import WebhookReceiver

KEY = b"test-webhook-key"
REMINDER = {
    "reminder_key": "k" * 40,
    "rule": "overdue",
    "subject_id": "it1",
    "period": "once",
    "recipient_id": "m1",
    "branch_id": "b1",
    "title": "逾期提醒",
    "body": "请尽快完成",
}


@pytest.fixture
def receiver():
    server = WebhookReceiver(KEY)
    yield server
    server.stop()


def test_a_webhook_to_this_host_is_not_sent_unless_its_network_is_allowed(receiver):
    reminder = {**REMINDER, "webhook_url": f"{receiver.url}/hook"}
    refused = Channels(ChannelSettings(webhook_key=KEY, timeout=2.0)).send("webhook", reminder, 1)
    assert refused is not None and "127.0.0.1" in refused and "refused" in refused
    assert receiver.hits == []
    allowed = ChannelSettings(
        webhook_key=KEY, timeout=2.0, targets=TargetPolicy.parse("127.0.0.1/32")
    )
    assert Channels(allowed).send("webhook", reminder, 1) is None
    assert [(hit["recipient_id"], hit["status"]) for hit in receiver.hits] == [("m1", 200)]


def test_a_name_that_resolves_to_this_host_when_sent_is_refused(receiver):
    """The name was public when the member set it; it resolves to this host now."""
    port = int(receiver.url.rsplit(":", 1)[1])
    reminder = {**REMINDER, "webhook_url": f"http://hooks.example:{port}/hook"}
    settings = ChannelSettings(webhook_key=KEY, timeout=2.0)
    rebound = Channels(settings, resolver=lambda host, port: ["127.0.0.1"])
    refused = rebound.send("webhook", reminder, 1)
    assert refused is not None and "hooks.example (127.0.0.1) refused" in refused
    assert receiver.hits == []
    allowed = replace(settings, targets=TargetPolicy.parse("127.0.0.0/8"))
    assert (
        Channels(allowed, resolver=lambda host, port: ["127.0.0.1"]).send("webhook", reminder, 1)
        is None
    )  # sent to the address checked, by its name
    assert [hit["status"] for hit in receiver.hits] == [200]
