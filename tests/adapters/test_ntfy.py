"""Phone push through ntfy, against the fake ntfy (every publish checked against ntfy's
documented JSON fields): priority, click link, the two action buttons, the token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import ntfy_fake
from tocsin.adapters.ntfy import NtfyOptions, PushChannel
from tocsin.domain.delivery import DeliveryFailed, Undeliverable
from tocsin.domain.notification import Notification, Purpose, Trigger

PUBLIC = "https://tocsin.example.org"


@pytest.fixture(scope="module")
def server():
    server = ntfy_fake.serve()
    yield server
    server.stop()


@pytest.fixture
def fake(server):
    fake = server.reset()
    yield fake
    assert fake.errors == []


def channel(server, token: str | None = ntfy_fake.TOKEN) -> PushChannel:
    return PushChannel(NtfyOptions(server.url, token=token, timeout=5))


def page(**kw) -> Notification:
    values = {
        "key": "notify:12:3:nora:push",
        "channel": "push",
        "recipient": "nora",
        "name": "Nora Lemaire",
        "address": "nora-pages",
        "purpose": Purpose.PAGE,
        "trigger": Trigger.OPENED,
        "incident_id": 12,
        "severity": "P1",
        "title": "Checkout API down",
        "phase": "detection",
        "text": "Escalation step 1/2 (P1 policy, incident opened)",
        "at": datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
        "url": f"{PUBLIC}/incidents/12",
        "ack_url": f"{PUBLIC}/p/ack-token",
        "escalate_url": f"{PUBLIC}/p/esc-token",
    }
    return Notification(**(values | kw))


def test_an_urgent_page_rings_with_a_link_to_the_room_and_two_buttons(server, fake):
    reference = channel(server).send(paged := page(), paged.key)

    [published] = fake.published
    assert reference == "msg000000001"
    assert published.body == {
        "topic": "nora-pages",
        "title": "[P1] #12 Checkout API down",
        "message": "Escalation step 1/2 (P1 policy, incident opened)",
        "priority": 5,
        "tags": ["rotating_light"],
        "click": f"{PUBLIC}/incidents/12",
        "actions": [
            {
                "action": "http",
                "label": "Acknowledge",
                "url": f"{PUBLIC}/p/ack-token",
                "method": "POST",
                "clear": True,
            },
            {
                "action": "http",
                "label": "Escalate",
                "url": f"{PUBLIC}/p/esc-token",
                "method": "POST",
                "clear": True,
            },
        ],
    }
    assert published.headers["Authorization"] == f"Bearer {ntfy_fake.TOKEN}"
    assert published.headers["X-Tocsin-Delivery"] == "notify:12:3:nora:push"


@pytest.mark.parametrize(("severity", "priority"), [("P0", 5), ("P1", 5), ("P2", 3), ("P3", 3)])
def test_p0_and_p1_are_urgent_the_others_default(server, fake, severity, priority):
    channel(server).send(paged := page(severity=severity), paged.key)
    assert fake.to("nora-pages")[0]["priority"] == priority


def test_a_page_without_personal_links_has_no_buttons_and_an_fyi_never_has(server, fake):
    channel(server).send(paged := page(ack_url="", escalate_url=""), paged.key)
    fyi = page(purpose=Purpose.FYI, trigger=Trigger.RESOLVED, severity="P0")
    channel(server).send(fyi, fyi.key)

    without_links, fyi = fake.to("nora-pages")
    assert "actions" not in without_links
    assert "actions" not in fyi
    assert fyi["priority"] == 3
    assert fyi["title"] == "[FYI] [P0] #12 Checkout API down"


def test_a_forbidden_topic_or_bad_token_is_undeliverable_with_ntfys_error(server, fake):
    fake.forbidden.add("nora-pages")
    with pytest.raises(Undeliverable, match="HTTP 403, ntfy error 40301: forbidden"):
        channel(server).send(paged := page(), paged.key)
    with pytest.raises(Undeliverable, match="HTTP 401") as refused:
        channel(server, token="tk_wrong-token-value").send(paged := page(address="other"), paged.key)
    assert "tk_wrong-token-value" not in str(refused.value)
    assert fake.published == []


def test_a_topic_ntfy_would_refuse_is_refused_before_sending(server, fake):
    with pytest.raises(Undeliverable, match="not an ntfy topic"):
        channel(server).send(paged := page(address="nora pages/../x"), paged.key)
    assert fake.published == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_5xx_or_429_is_retried_later(server, fake, status):
    fake.status.append(status)
    with pytest.raises(DeliveryFailed) as failure:
        channel(server).send(paged := page(), paged.key)
    assert not isinstance(failure.value, Undeliverable)
    assert f"HTTP {status}" in str(failure.value)


def test_ntfy_unreachable_is_retried_later():
    with pytest.raises(DeliveryFailed) as failure:
        PushChannel(NtfyOptions("http://127.0.0.1:9", token=ntfy_fake.TOKEN, timeout=2)).send(
            paged := page(), paged.key
        )
    assert not isinstance(failure.value, Undeliverable)
    assert ntfy_fake.TOKEN not in str(failure.value)
