"""What the phone tests share: Nora's page (the notification an SMS, voice or push channel
sends) and the fake Twilio's settings in tocsin.yaml."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests import twilio_fake
from tocsin.domain.notification import Notification, Purpose, Trigger

PUBLIC = "https://tocsin.example.org"  # tocsin's public URL: Twilio calls it back there
NORA = "+33612345678"
AT = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
LINKED = {  # a page's links: its room, and one-click acknowledge and escalate
    "url": f"{PUBLIC}/incidents/12",
    "ack_url": f"{PUBLIC}/p/ack-token",
    "escalate_url": f"{PUBLIC}/p/esc-token",
}


def page(channel: str = "sms", **kw: Any) -> Notification:
    """The P0 page of incident 12 ("Checkout API down") to Nora by ``channel``; ``kw`` replaces
    any field."""
    values: dict[str, Any] = {
        "key": f"notify:12:3:nora:{channel}",
        "channel": channel,
        "recipient": "nora",
        "name": "Nora Lemaire",
        "address": NORA,
        "purpose": Purpose.PAGE,
        "trigger": Trigger.OPENED,
        "incident_id": 12,
        "severity": "P0",
        "title": "Checkout API down",
        "phase": "detection",
        "text": "Escalation step 1/2",
        "at": AT,
    }
    return Notification(**(values | kw))


def twilio_settings(base_url: str) -> dict[str, str]:
    """``notifications.twilio`` for the fake Twilio answering at ``base_url``."""
    return {
        "account_sid": twilio_fake.ACCOUNT_SID,
        "auth_token": twilio_fake.AUTH_TOKEN,
        "from_number": twilio_fake.FROM_NUMBER,
        "base_url": base_url,
    }
