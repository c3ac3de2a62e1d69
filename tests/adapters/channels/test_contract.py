"""One contract over every channel: the console twin, email over real SMTP (aiosmtpd on
127.0.0.1) and outbound webhooks (a local receiver through an injected httpx transport), SMS
and voice calls through the fake Twilio, push through the fake ntfy.

Each implementation must: deliver one notification once, carrying its delivery key and the
incident; return a reference; and raise ``DeliveryFailed`` (without secrets) when its
destination is down.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from urllib.parse import unquote

import httpx
import pytest

from tests.smtp_sink import SmtpSink
from tocsin.adapters.channels.console import ConsoleChannel
from tocsin.adapters.channels.email import EmailChannel, SmtpOptions
from tocsin.adapters.channels.webhook import Endpoint, WebhookChannel
from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.notification import Notification, Purpose, Trigger
from tocsin.services.paging.ports import Letter, Post

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SECRET = "s3cret-value-never-logged"
ADDRESSES = {"sms": "+33612345678", "voice": "+33612345678", "push": "camille-pages"}


def a_notification(channel: str, **kw) -> Notification:
    values = {
        "key": f"notify:42:1:camille:{channel}",
        "channel": channel,
        "recipient": "camille" if channel != "webhook" else "chatops",
        "name": "Camille Martin",
        "address": ADDRESSES.get(channel, "camille@example.org") if channel != "webhook" else "chatops",
        "purpose": Purpose.PAGE,
        "trigger": Trigger.OPENED,
        "incident_id": 42,
        "severity": "P0",
        "title": "API down <script>",
        "phase": "detection",
        "text": "Escalation step 1/1 (P0 policy, incident opened)",
        "at": AT,
        "url": "http://127.0.0.1:8080/incidents/42",
        "via": "role:lead_engineer",
        "step": 1,
    }
    return Notification(**(values | kw))


class ConsoleHarness:
    name = "console"

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def channel(self):
        return ConsoleChannel(self.stream)

    def received(self) -> list[str]:
        if self.stream.closed:
            return []
        return [block for block in self.stream.getvalue().split("── tocsin") if block.strip()]

    def break_it(self) -> None:
        self.stream.close()

    def close(self) -> None:
        pass


class EmailHarness:
    name = "email"

    def __init__(self) -> None:
        self.sink = SmtpSink().start()

    def channel(self):
        return EmailChannel(
            SmtpOptions(host="127.0.0.1", port=self.sink.port, sender="tocsin@example.org", timeout=5)
        )

    def received(self) -> list[str]:
        return [m.as_string() for m in self.sink.messages]

    def break_it(self) -> None:
        self.sink.stop()

    def close(self) -> None:
        self.sink.stop()


class WebhookHarness:
    name = "webhook"

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.up = True

    def handler(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        self.requests.append(request)
        return httpx.Response(204)

    def channel(self):
        endpoints = {"chatops": Endpoint("http://127.0.0.1:9/hook", secret=SECRET)}
        return WebhookChannel(endpoints, now=lambda: AT, transport=httpx.MockTransport(self.handler))

    def received(self) -> list[str]:
        return [r.content.decode() + json.dumps(dict(r.headers)) for r in self.requests]

    def break_it(self) -> None:
        self.up = False

    def close(self) -> None:
        pass


class SlackHarness:
    """Direct messages through the real slack_sdk client to the fake Slack Web API."""

    name = "slack"

    def __init__(self) -> None:
        from tests import slack_fake

        self.fake = slack_fake.start()
        self.fake.token = SECRET

    def channel(self):
        from tocsin.adapters.slack.client import SlackWebApi
        from tocsin.adapters.slack.dm import SlackDmChannel

        api = SlackWebApi(SECRET, base_url=self.fake.base_url, timeout=5)
        return SlackDmChannel(api.client, {"camille": "U0C"})

    def received(self) -> list[str]:
        assert self.fake.violations == []
        return [m["text"] for m in self.fake.direct_messages("U0C")]

    def break_it(self) -> None:
        self.fake.down = True

    def close(self) -> None:
        from tests import slack_fake

        slack_fake.stop(self.fake)


class TwilioHarness:
    """SMS (``sms``) or a voice call (``voice``) through the fake Twilio REST API."""

    name = ""

    def __init__(self) -> None:
        from tests import twilio_fake

        self.server = twilio_fake.serve()
        self.fake = self.server.fake
        self.fake.auth_token = SECRET

    def channel(self):
        from tests import twilio_fake
        from tocsin.adapters.twilio import SmsChannel, TwilioOptions, VoiceChannel

        options = TwilioOptions(
            twilio_fake.ACCOUNT_SID,
            SECRET,
            twilio_fake.FROM_NUMBER,
            "http://127.0.0.1:8080",
            self.server.url,
            5,
        )
        return (SmsChannel if self.name == "sms" else VoiceChannel)(options)

    def received(self) -> list[str]:
        assert self.fake.errors == []
        return [
            "\n".join(unquote(value) for values in sent.form.values() for value in values)
            for sent in self.fake.sent
        ]

    def break_it(self) -> None:
        self.fake.down = True

    def close(self) -> None:
        self.server.stop()


class SmsHarness(TwilioHarness):
    name = "sms"


class VoiceHarness(TwilioHarness):
    name = "voice"


class PushHarness:
    """Push through the fake ntfy."""

    name = "push"

    def __init__(self) -> None:
        from tests import ntfy_fake

        self.server = ntfy_fake.serve()
        self.fake = self.server.fake
        self.fake.token = SECRET

    def channel(self):
        from tocsin.adapters.ntfy import NtfyOptions, PushChannel

        return PushChannel(NtfyOptions(self.server.url, token=SECRET, timeout=5))

    def received(self) -> list[str]:
        assert self.fake.errors == []
        return [json.dumps(p.body) + json.dumps(p.headers) for p in self.fake.published]

    def break_it(self) -> None:
        self.fake.down = True

    def close(self) -> None:
        self.server.stop()


HARNESSES = [
    ConsoleHarness,
    EmailHarness,
    WebhookHarness,
    SlackHarness,
    SmsHarness,
    VoiceHarness,
    PushHarness,
]


@pytest.fixture(params=HARNESSES, ids=lambda h: h.name)
def harness(request):
    built = request.param()
    yield built
    built.close()


def test_delivers_once_with_the_key_and_the_incident(harness):
    notification = a_notification(harness.name)
    reference = harness.channel().send(notification, notification.key)
    assert reference
    [received] = harness.received()
    assert notification.key in received
    assert "42" in received
    assert "API down" in received


def test_a_destination_that_is_down_raises_delivery_failed_without_secrets(harness):
    harness.break_it()
    with pytest.raises(DeliveryFailed) as failure:
        harness.channel().send(paged := a_notification(harness.name), paged.key)
    assert SECRET not in str(failure.value)
    assert harness.received() == []


def test_a_slack_direct_message_carries_the_page_links():
    harness = SlackHarness()
    try:
        ack, escalate = "https://tocsin.example/p/" + "a" * 32, "https://tocsin.example/p/" + "e" * 32
        paged = a_notification("slack", ack_url=ack, escalate_url=escalate)
        harness.channel().send(paged, paged.key)
        [received] = harness.received()
    finally:
        harness.close()
    assert f"<{ack}|Acknowledge>" in received
    assert f"<{escalate}|Escalate>" in received


@pytest.fixture(params=[ConsoleHarness, EmailHarness], ids=lambda h: h.name)
def mail_harness(request):
    built = request.param()
    yield built
    built.close()


def test_a_mail_server_that_is_down_raises_delivery_failed_without_secrets(mail_harness):
    mail_harness.break_it()
    with pytest.raises(DeliveryFailed) as failure:
        mail_harness.channel().send(Letter("r@example.org", "S", "B\n", "Acme"), "customer:1:resolved:r")
    assert SECRET not in str(failure.value)
    assert mail_harness.received() == []


def test_a_plain_mail_goes_through_the_same_contract(mail_harness):
    """Status-page, customer and Art. 34 mails are ``Letter``s sent by the page channels'
    e-mail sender (and its console twin), keyed like any delivery."""
    letter = Letter("reader@example.org", "[Acme status] Resolved: API", "It is over.\n", "Acme status")
    reference = mail_harness.channel().send(letter, "customer:42:resolved:reader@example.org")
    assert reference
    [received] = mail_harness.received()
    assert "reader@example.org" in received
    assert "[Acme status] Resolved: API" in received
    assert "It is over." in received


class StatusWebhookHarness:
    """The status page's webhook subscribers: signed POSTs through an injected transport."""

    name = "statuspage-webhook"

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.up = True

    def handler(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        self.requests.append(request)
        return httpx.Response(200)

    def channel(self):
        from tocsin.adapters.statuspage_webhook import SignedWebhookPoster

        return SignedWebhookPoster(SECRET, timeout=5, transport=httpx.MockTransport(self.handler))

    def received(self) -> list[str]:
        return [r.content.decode() + json.dumps(dict(r.headers)) for r in self.requests]

    def break_it(self) -> None:
        self.up = False

    def close(self) -> None:
        pass


@pytest.fixture(params=[ConsoleHarness, StatusWebhookHarness], ids=lambda h: h.name)
def post_harness(request):
    built = request.param()
    yield built
    built.close()


def a_post() -> Post:
    body = json.dumps({"incident": {"id": "42", "name": "API down"}}).encode()
    return Post("http://127.0.0.1:9/status-hook", body, "incident_update")


def test_a_status_page_webhook_goes_through_the_same_contract(post_harness):
    reference = post_harness.channel().send(a_post(), "statuspage.webhook:7:0")
    assert reference
    [received] = post_harness.received()
    assert "statuspage.webhook:7:0" in received
    assert "API down" in received


def test_a_status_page_webhook_receiver_down_raises_delivery_failed_without_secrets(post_harness):
    post_harness.break_it()
    with pytest.raises(DeliveryFailed) as failure:
        post_harness.channel().send(a_post(), "statuspage.webhook:7:0")
    assert SECRET not in str(failure.value)
    assert post_harness.received() == []


def test_a_plain_mail_keeps_its_headers_and_a_message_id_from_its_key():
    harness = EmailHarness()
    try:
        channel = harness.channel()
        key = "statuspage.confirm:7"
        channel.send(Letter("reader@example.org", "Confirm", "Click.\n", "Acme status"), key)
        channel.send(Letter("reader@example.org", "Confirm", "Click.\n", "Acme status"), key)
        first, again = harness.sink.messages
    finally:
        harness.close()
    assert first["From"] == "Acme status <tocsin@example.org>"
    assert first["To"] == "reader@example.org"
    assert first["Message-ID"] == again["Message-ID"]  # a re-send is recognisably the same mail
    assert not first.is_multipart()  # plain text only, as before
