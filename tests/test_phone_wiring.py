"""The phone channels join paging when (and only when) they are configured, and the pages
they send call tocsin back at ``server.base_url``."""

from __future__ import annotations

from datetime import UTC, datetime

from tests import ntfy_fake, twilio_fake
from tocsin.adapters.clock import ManualClock
from tocsin.bootstrap.paging import build_paging
from tocsin.config import Settings
from tocsin.domain.notification import Notification, Purpose, Trigger

AT = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
PUBLIC = "https://tocsin.example.org"


def page(channel: str, address: str) -> Notification:
    return Notification(
        key=f"notify:12:3:nora:{channel}",
        channel=channel,
        recipient="nora",
        name="Nora Lemaire",
        address=address,
        purpose=Purpose.PAGE,
        trigger=Trigger.OPENED,
        incident_id=12,
        severity="P0",
        title="Checkout API down",
        phase="detection",
        text="Escalation step 1/2",
        at=AT,
    )


def test_without_phone_settings_there_are_no_phone_channels():
    channels = build_paging(Settings(), ManualClock(AT)).channels
    assert not {"sms", "voice", "push"} & set(channels)


def test_configured_twilio_and_ntfy_page_through_sms_voice_and_push():
    twilio, ntfy = twilio_fake.serve(), ntfy_fake.serve()
    try:
        settings = Settings.model_validate(
            {
                "server": {"base_url": PUBLIC},
                "notifications": {
                    "twilio": {
                        "account_sid": twilio_fake.ACCOUNT_SID,
                        "auth_token": twilio_fake.AUTH_TOKEN,
                        "from_number": twilio_fake.FROM_NUMBER,
                        "base_url": twilio.url,
                    },
                    "ntfy": {"server_url": ntfy.url, "token": ntfy_fake.TOKEN},
                },
            }
        )
        channels = build_paging(settings, ManualClock(AT)).channels

        assert {"sms", "voice", "push"} <= set(channels)
        channels["sms"].send(paged := page("sms", "+33612345678"), paged.key)
        channels["voice"].send(paged := page("voice", "+33612345678"), paged.key)
        channels["push"].send(paged := page("push", "nora-pages"), paged.key)

        sms, call = twilio.fake.sent
        assert sms.one("StatusCallback").startswith(f"{PUBLIC}/hooks/twilio/status?key=")
        assert f'action="{PUBLIC}/hooks/twilio/voice?key=' in call.one("Twiml")
        assert twilio.fake.errors == []
        assert ntfy.fake.to("nora-pages")[0]["priority"] == 5
    finally:
        twilio.stop()
        ntfy.stop()
