"""The phone channels join paging when (and only when) they are configured, and the pages
they send call tocsin back at ``server.base_url``."""

from __future__ import annotations

from tests import ntfy_fake, twilio_fake
from tests.phone_helpers import AT, NORA, PUBLIC, page, twilio_settings
from tocsin.adapters.clock import ManualClock
from tocsin.bootstrap.paging import build_paging
from tocsin.config import Settings


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
                    "twilio": twilio_settings(twilio.url),
                    "ntfy": {"server_url": ntfy.url, "token": ntfy_fake.TOKEN},
                },
            }
        )
        channels = build_paging(settings, ManualClock(AT)).channels

        assert {"sms", "voice", "push"} <= set(channels)
        channels["sms"].send(paged := page("sms", address=NORA), paged.key)
        channels["voice"].send(paged := page("voice", address=NORA), paged.key)
        channels["push"].send(paged := page("push", address="nora-pages"), paged.key)

        sms, call = twilio.fake.sent
        assert sms.one("StatusCallback").startswith(f"{PUBLIC}/hooks/twilio/status?key=")
        assert f'action="{PUBLIC}/hooks/twilio/voice?key=' in call.one("Twiml")
        assert twilio.fake.errors == []
        assert ntfy.fake.to("nora-pages")[0]["priority"] == 5
    finally:
        twilio.stop()
        ntfy.stop()
