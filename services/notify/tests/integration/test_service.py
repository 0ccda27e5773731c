"""The notify service in real containers with the ledger, over the real RabbitMQ and PostgreSQL,
mailing a real SMTP server and posting to a real HTTP receiver; the clock moved through a file.

One scenario walks a branch through March 2026: every rule fires exactly once on the right
channel for the right person, escalation follows the goal's responsibilities, a webhook is
retried after a refusal and another fails for good, and the service is stopped mid-run and
replaced by two instances at once — nothing is lost, and nothing is sent twice but what the
at-least-once edge allows (an attempt cut off by its timeout, as the log shows).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY

from eventlog import PostgresEventStore
from services.common.errors import BadInput, Forbidden, NotFound
from services.ledger.service import LedgerService
from services.notify.adapters.clock import OffsetClock
from services.notify.domain.reminders import reminder_key, stream_id
from services.notify.service import NotifyService
from tests.support import wait_for

from .receivers import AppraisalDouble, SmtpServer, WebhookReceiver
from .seed import at, seed

pytestmark = pytest.mark.servers
KEY = b"test-webhook-key"
SERVICE = "service:test"


def call(container, method: str, /, **payload):
    with entrypoint_hook(container, method) as hook:
        return hook(**payload)


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    server = SmtpServer(tmp_path / "maildir")
    monkeypatch.setenv("TAIZHANG_SMTP_PORT", str(server.port))
    monkeypatch.setenv("TAIZHANG_WEBHOOK_KEY", KEY.decode())
    # The webhook receiver listens on this host: a network no webhook reaches unless allowed.
    monkeypatch.setenv("TAIZHANG_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = WebhookReceiver(KEY, fail_first=1)
    yield server
    server.stop()


@pytest.fixture
def clock(tmp_path) -> OffsetClock:
    clock = OffsetClock(tmp_path / "clock.json")
    clock.move_to(at("due_soon"))
    return clock


@pytest.fixture
def cluster(container_factory, rabbit_config, settings, clock, smtp):
    """The ledger, the appraisal test double, and a way to start notify instances."""
    # Few workers each: the PostgreSQL server is shared, and every worker may hold a connection.
    config = {"AMQP_URI": rabbit_config["AMQP_URI"], "max_workers": 4}
    notify_config = {
        **config,
        "NOTIFY_CLOCK_FILE": str(clock.path),
        "NOTIFY_SCAN_SECONDS": 0.4,
        "NOTIFY_DELIVERY_SECONDS": 0.2,
        # A send's timeout that a busy host meets: one cut off while the server was answering
        # is sent again (the at-least-once edge), and three cut off lose the mail.
        "NOTIFY_BACKOFF_SECONDS": [4.0, 4.0],
        "NOTIFY_SEND_TIMEOUT": 2.0,
        "NOTIFY_APPRAISAL_TIMEOUT": 1,
    }

    def start(service, service_config=config):
        container = container_factory(service, service_config)
        container.start()
        return container

    ledger, _ = start(LedgerService), start(AppraisalDouble)
    return ledger, lambda: start(NotifyService, notify_config)


@pytest.fixture
def branch(cluster, receiver) -> dict[str, str]:
    """The seeded branch; m2 takes reminders by webhook, fto by a webhook that always refuses."""
    ledger, start_notify = cluster
    notify, run = start_notify(), uuid.uuid4().hex[:8]
    for name, path in (("m2", "hook"), ("fto", "down")):
        member, url = f"{name}{run}", f"{receiver.url}/{path}"
        call(
            notify,
            "set_preferences",
            actor_id=SERVICE,
            member_id=member,
            channels=["webhook"],
            webhook_url=url,
        )
    AppraisalDouble.steps = []
    ids = seed(lambda method, /, **payload: call(ledger, method, **payload), run)
    AppraisalDouble.steps = [
        {
            "cycle_id": f"c-{ids['branch']}",
            "branch_id": ids["branch"],
            "step": "self_review",
            "opens_at": "2026-03-16T00:00:00+08:00",
            "closes_at": "2026-03-19T18:00:00+08:00",
            "pending_member_ids": [ids["m1"]],
        }
    ]
    return {**ids, "run": run, "notify": notify}


def scenario(w: dict[str, str]) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each day's reminders: (rule, subject, period, recipient name)."""
    it1, it2, cycle = w["it1"], w["it2"], f"c-{w['branch']}/self_review"
    return {
        "due_soon": [
            ("due_soon", it1, "once", "m1"),
            ("due_soon", it2, "once", "m2"),
            ("appraisal_open", cycle, "2026-03-16T00:00:00+08:00", "m1"),
            ("appraisal_closing", cycle, "2026-03-19T18:00:00+08:00", "m1"),
        ],
        "overdue": [("overdue", it1, "once", "m1"), ("overdue", it2, "once", "m2")],
        "urging": [("overdue_urging", it1, "once", "com"), ("overdue_urging", it2, "once", "com")],
        "month_end": [
            *(("study_shortfall", w[p], "2026-03", p) for p in ("sec", "fto", "lead", "com", "m1")),
            ("meeting_due", "party_lecture", "2026-Q1", "sec"),
        ],
        "supervision": [
            ("overdue_supervision", it1, "once", "fto"),
            ("overdue_supervision", it2, "once", "fto"),
        ],
    }


class Expected:
    """Mails by (address, reminder key) and accepted webhooks by (member, key), so far.

    m2 and fto chose the webhook; fto's refuses everything, so nothing of theirs is accepted.
    Each reminder arrives once, or once more for each of its attempts that the send's timeout
    cut off, as the log records them: the receiver may have taken it meanwhile (the
    at-least-once edge of the README). Never more, and never a reminder not planned.
    """

    def __init__(self, w: dict[str, str], smtp: SmtpServer, receiver: WebhookReceiver, db):
        self.w, self.smtp, self.receiver, self.db = w, smtp, receiver, db
        self.log = PostgresEventStore(db, source="notify")
        self.mails, self.hooks, self.days = Counter(), Counter(), scenario(w)

    def add(self, day: str) -> None:
        for rule, subject, period, who in self.days[day]:
            key = reminder_key(rule, subject, period, self.w[who])
            if who == "m2":
                self.hooks[(self.w[who], key)] += 1
            elif who != "fto":
                self.mails[(f"{self.w[who]}@example.cn", key)] += 1

    def met(self) -> bool:
        mails, hooks = self.smtp.received(self.w["run"]), self.receiver.accepted()
        # Read after the receivers: a resend is claimed only once its cut-off attempt is logged.
        cut = self.cut_off()
        return within(self.mails, mails, cut, "email") and within(self.hooks, hooks, cut, "webhook")

    def cut_off(self) -> Counter:
        """(reminder key, channel) → the attempts whose send the timeout cut off."""
        rows = self.db.fetch_all(
            "SELECT data->>'channel' AS channel, stream_id FROM eventlog.events"
            " WHERE branch_id = %s AND event_type IN ('DeliveryAttemptFailed', 'DeliveryFailed')"
            " AND data->>'error' LIKE %s",
            (self.w["branch"], "%Timeout%"),
        )
        return Counter((row["stream_id"].removeprefix("reminder-"), row["channel"]) for row in rows)

    def difference(self) -> str:
        """What is missing and what came besides, by (address or member, reminder key)."""
        mails, hooks = self.smtp.received(self.w["run"]), self.receiver.accepted()
        odd = [self.mails - mails, mails - self.mails, self.hooks - hooks, hooks - self.hooks]
        return (
            f"mails missing {dict(odd[0])}, besides {dict(odd[1])};"
            f" webhooks missing {dict(odd[2])}, besides {dict(odd[3])}"
            + "".join(self.story(key) for key in sorted({key for c in odd for _, key in c}))
        )

    def story(self, key: str) -> str:
        """A reminder's stream as the log holds it: what was decided, when, and each attempt."""
        events = self.log.read_stream(stream_id(key))
        lines = [
            f"{e.version} {e.type} at {e.occurred_at:%m-%d %H:%M:%S} (recorded"
            f" {e.recorded_at:%H:%M:%S.%f}) {dict(e.data)}"
            for e in events
        ]
        lines += [f"mail stored {when:%H:%M:%S.%f}" for when in self.smtp.stored_at(key)]
        return f"\n  reminder {key}:\n    " + "\n    ".join(lines or ["(no stream)"])

    def settle(self, clock: OffsetClock, day: str) -> None:
        """Moves the clock to `day`, waits for its reminders, then checks nothing more comes."""
        clock.move_to(at(day))
        self.add(day)
        try:  # a scan covers every branch in the test database, which earlier tests fill
            wait_for(self.met, 60, f"the reminders of {day}")
        except AssertionError as late:
            raise AssertionError(f"{late}: {self.difference()}") from None
        time.sleep(1.0)  # several scans and delivery ticks more
        assert self.met(), f"after the reminders of {day}: {self.difference()}"


def within(expected: Counter, received: Counter, cut: Counter, channel: str) -> bool:
    """Every reminder expected arrived, and no more often than its cut-off attempts allow."""
    return received.keys() == expected.keys() and all(
        expected[to] <= received[to] <= expected[to] + cut[(to[1], channel)] for to in expected
    )


def failures(channel: str) -> float:
    value = REGISTRY.get_sample_value("notify_delivery_failures_total", {"channel": channel})
    return value or 0.0


def test_every_reminder_once_on_the_right_channel_across_a_restart(
    cluster, branch, clock, smtp, receiver, db
):
    w, expected, failed_before = branch, Expected(branch, smtp, receiver, db), failures("webhook")
    expected.settle(clock, "due_soon")
    first = [hit for hit in receiver.hits if hit["recipient_id"] == w["m2"]]
    assert [h["status"] for h in first][:2] == [503, 200] and all(h["verified"] for h in first)
    expected.settle(clock, "overdue")

    # Stop the service mid-run, while the new day's reminders are being decided and sent.
    clock.move_to(at("urging"))
    wait_for(lambda: any(w["com"] in mail["To"] for mail in smtp.mails()), 60, "a mail to com")
    w["notify"].stop()
    replacements = [cluster[1](), cluster[1]()]  # two instances at once
    for day in ("urging", "month_end", "supervision"):
        expected.settle(clock, day)

    def failed():
        page = call(
            replacements[0], "deliveries", actor_id=w["sec"], branch_id=w["branch"], status="failed"
        )
        return page["total"] == 3 and page

    what = "fto's study reminder and both supervision reminders to fail after three tries each"
    rows = wait_for(failed, 60, what)["items"]
    assert {(r["recipient_id"], r["channel"], r["attempts"]) for r in rows} == {
        (w["fto"], "webhook", 3)
    }
    assert failures("webhook") - failed_before >= 3
    inbox = call(replacements[1], "inbox", actor_id=w["com"], unread_only=True)
    assert {item["rule"] for item in inbox["items"]} == {"overdue_urging", "study_shortfall"}
    assert call(replacements[1], "scan_now", actor_id=SERVICE)["issued"] == 0


def test_the_rpc_boundary_validates_and_refuses(container_factory, rabbit_config, settings):
    notify = container_factory(NotifyService, {"AMQP_URI": rabbit_config["AMQP_URI"]})
    notify.start()
    with pytest.raises(BadInput) as refused:
        call(notify, "set_preferences", actor_id="m1", member_id="m1", channels=["pigeon"], x=1)
    assert set(refused.value.messages) == {"channels", "x"}
    with pytest.raises(Forbidden):
        call(notify, "set_preferences", actor_id="m1", member_id="m2", channels=["inbox"])
    with pytest.raises(BadInput) as loopback:  # no network allowed: public addresses only
        call(notify, "set_preferences", actor_id="m1", member_id="m1", channels=["webhook"],
             webhook_url="http://127.0.0.1:9/hook")  # fmt: skip
    assert set(loopback.value.messages) == {"webhook_url"}
    with pytest.raises(Forbidden):
        call(notify, "scan_now", actor_id="m1")
    with pytest.raises(NotFound):
        call(notify, "deliveries", actor_id="m1", branch_id="no-such-branch")
    defaults = call(notify, "preferences", actor_id="m9", member_id="m9")
    assert defaults["channels"] == ["inbox", "email"] and not defaults["chosen"]
