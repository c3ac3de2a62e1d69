"""Outbound webhooks: the JSON event and its signature, verified as docs/webhooks.md says."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from tests.adapters.channels.test_contract import AT, a_notification
from tocsin.adapters.channels.webhook import Endpoint, WebhookChannel, sign, verify
from tocsin.domain.delivery import DeliveryFailed, RetryAfter


def test_the_documented_test_vector():
    # docs/webhooks.md: secret "test-secret", timestamp "1700000000", body {"a":1}
    assert sign("test-secret", "1700000000", b'{"a":1}') == (
        "sha256=" + hmac.new(b"test-secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    )


def test_the_receiver_can_verify_the_event():
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    channel = WebhookChannel(
        {"chatops": Endpoint("https://bot.invalid/tocsin", secret="k")},
        now=lambda: AT,
        transport=httpx.MockTransport(receiver),
    )
    notification = a_notification("webhook")
    assert channel.send(notification, notification.key) == "HTTP 200"
    [request] = seen
    timestamp = request.headers["X-Tocsin-Timestamp"]
    assert timestamp == str(int(AT.timestamp()))
    assert verify("k", timestamp, request.content, request.headers["X-Tocsin-Signature"])
    assert not verify("other", timestamp, request.content, request.headers["X-Tocsin-Signature"])
    assert request.headers["X-Tocsin-Delivery"] == notification.key
    assert request.headers["X-Tocsin-Event"] == "opened"
    body = json.loads(request.content)
    assert body["incident"] == {
        "id": 42,
        "title": "API down <script>",
        "severity": "P0",
        "phase": "detection",
        "url": "http://127.0.0.1:8080/incidents/42",
    }
    assert (body["event"], body["purpose"], body["id"]) == ("opened", "page", notification.key)


@pytest.mark.parametrize("status", [400, 404, 429, 500, 503])
def test_any_non_2xx_fails_so_the_job_is_retried(status):
    channel = WebhookChannel(
        {"chatops": Endpoint("https://bot.invalid/tocsin")},
        now=lambda: AT,
        transport=httpx.MockTransport(lambda request: httpx.Response(status)),
    )
    with pytest.raises(DeliveryFailed, match=f"HTTP {status}"):
        channel.send(paged := a_notification("webhook"), paged.key)


def test_without_a_secret_nothing_is_signed():
    seen: list[httpx.Request] = []
    channel = WebhookChannel(
        {"chatops": Endpoint("https://bot.invalid/tocsin")},
        now=lambda: AT,
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(202)),
    )
    channel.send(paged := a_notification("webhook"), paged.key)
    assert "X-Tocsin-Signature" not in seen[0].headers


def test_an_unknown_webhook_fails():
    channel = WebhookChannel({}, now=lambda: AT)
    with pytest.raises(DeliveryFailed, match="not configured"):
        channel.send(paged := a_notification("webhook"), paged.key)


def test_a_429_naming_its_wait_asks_the_engine_to_come_back_then():
    channel = WebhookChannel(
        {"chatops": Endpoint("https://bot.invalid/tocsin")},
        now=lambda: AT,
        transport=httpx.MockTransport(lambda request: httpx.Response(429, headers={"Retry-After": "42"})),
    )
    paged = a_notification("webhook")
    with pytest.raises(RetryAfter, match="HTTP 429") as told:
        channel.send(paged, paged.key)
    assert told.value.delay == 42
