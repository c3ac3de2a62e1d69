"""Phone push through ntfy, against the fake ntfy (every publish checked against ntfy's
documented JSON fields): priority, click link, the two action buttons, the token."""

from __future__ import annotations

import pytest

from tests import ntfy_fake, phone_helpers
from tests.phone_helpers import LINKED, PUBLIC
from tocsin.adapters.ntfy import NtfyOptions, PushChannel
from tocsin.domain.delivery import DeliveryFailed, Undeliverable
from tocsin.domain.notification import Notification, Purpose, Trigger


def channel(ntfy_server, token: str | None = ntfy_fake.TOKEN) -> PushChannel:
    return PushChannel(NtfyOptions(ntfy_server.url, token=token, timeout=5))


def page(**kw) -> Notification:
    text = "Escalation step 1/2 (P1 policy, incident opened)"
    values = LINKED | {"address": "nora-pages", "severity": "P1", "text": text}
    return phone_helpers.page("push", **(values | kw))


def test_an_urgent_page_rings_with_a_link_to_the_room_and_two_buttons(ntfy_server, ntfy):
    reference = channel(ntfy_server).send(paged := page(), paged.key)

    [published] = ntfy.published
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
def test_p0_and_p1_are_urgent_the_others_default(ntfy_server, ntfy, severity, priority):
    channel(ntfy_server).send(paged := page(severity=severity), paged.key)
    assert ntfy.to("nora-pages")[0]["priority"] == priority


def test_a_page_without_personal_links_has_no_buttons_and_an_fyi_never_has(ntfy_server, ntfy):
    channel(ntfy_server).send(paged := page(ack_url="", escalate_url=""), paged.key)
    fyi = page(purpose=Purpose.FYI, trigger=Trigger.RESOLVED, severity="P0")
    channel(ntfy_server).send(fyi, fyi.key)

    without_links, fyi = ntfy.to("nora-pages")
    assert "actions" not in without_links
    assert "actions" not in fyi
    assert fyi["priority"] == 3
    assert fyi["title"] == "[FYI] [P0] #12 Checkout API down"


def test_a_forbidden_topic_or_bad_token_is_undeliverable_with_ntfys_error(ntfy_server, ntfy):
    ntfy.forbidden.add("nora-pages")
    with pytest.raises(Undeliverable, match="HTTP 403, ntfy error 40301: forbidden"):
        channel(ntfy_server).send(paged := page(), paged.key)
    with pytest.raises(Undeliverable, match="HTTP 401") as refused:
        channel(ntfy_server, token="tk_wrong-token-value").send(paged := page(address="other"), paged.key)
    assert "tk_wrong-token-value" not in str(refused.value)
    assert ntfy.published == []


def test_a_topic_ntfy_would_refuse_is_refused_before_sending(ntfy_server, ntfy):
    with pytest.raises(Undeliverable, match="not an ntfy topic"):
        channel(ntfy_server).send(paged := page(address="nora pages/../x"), paged.key)
    assert ntfy.published == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_5xx_or_429_is_retried_later(ntfy_server, ntfy, status):
    ntfy.status.append(status)
    with pytest.raises(DeliveryFailed) as failure:
        channel(ntfy_server).send(paged := page(), paged.key)
    assert not isinstance(failure.value, Undeliverable)
    assert f"HTTP {status}" in str(failure.value)


def test_ntfy_unreachable_is_retried_later():
    with pytest.raises(DeliveryFailed) as failure:
        PushChannel(NtfyOptions("http://127.0.0.1:9", token=ntfy_fake.TOKEN, timeout=2)).send(
            paged := page(), paged.key
        )
    assert not isinstance(failure.value, Undeliverable)
    assert ntfy_fake.TOKEN not in str(failure.value)
