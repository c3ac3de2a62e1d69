"""SMS and voice pages through Twilio's REST API, against the fake Twilio (every request
validated against Twilio's published description): the exact form, Basic auth, the signed
callback URLs, the call's TwiML, and what a refusal or an outage becomes."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests import phone_helpers, twilio_fake
from tests.phone_helpers import LINKED, NORA, PUBLIC, twilio_settings
from tocsin.adapters.twilio import SmsChannel, TwilioOptions, VoiceChannel
from tocsin.domain.delivery import DeliveryFailed, Undeliverable
from tocsin.domain.notification import Notification, Purpose, Trigger


def options(twilio_server, **kw) -> TwilioOptions:
    values = twilio_settings(twilio_server.url) | {"public_url": PUBLIC, "timeout": 5}
    return TwilioOptions(**(values | kw))


def page(channel: str = "sms", **kw) -> Notification:
    return phone_helpers.page(
        channel, **(LINKED | {"text": "Escalation step 1/2 (P0 policy, incident opened)"} | kw)
    )


def test_an_sms_page_is_a_message_with_the_reply_instructions_and_a_signed_callback(twilio_server, twilio):
    sid = SmsChannel(options(twilio_server)).send(paged := page(), paged.key)

    [sent] = twilio.messages()
    assert sid == sent.sid
    assert sid.startswith("SM")
    assert sent.form == {
        "To": [NORA],
        "From": [twilio_fake.FROM_NUMBER],
        "Body": [
            "[P0] #12 Checkout API down — reply 1 to acknowledge, 2 to escalate\n"
            f"Acknowledge: {PUBLIC}/p/ack-token\n{PUBLIC}/incidents/12"
        ],
        "StatusCallback": [f"{PUBLIC}/hooks/twilio/status?key=notify%3A12%3A3%3Anora%3Asms"],
    }
    credentials = base64.b64encode(f"{twilio_fake.ACCOUNT_SID}:{twilio_fake.AUTH_TOKEN}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {credentials}"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_an_fyi_sms_says_what_happened_without_asking_for_a_reply(twilio_server, twilio):
    SmsChannel(options(twilio_server)).send(
        paged := page(purpose=Purpose.FYI, trigger=Trigger.ACKNOWLEDGED, drill=True), paged.key
    )

    [sent] = twilio.messages()
    assert (
        sent.one("Body") == f"[FYI] [DRILL] [P0] #12 Checkout API down — acknowledged\n{PUBLIC}/incidents/12"
    )


def test_a_call_speaks_the_page_and_gathers_one_key_posted_back_to_tocsin(twilio_server, twilio):
    sid = VoiceChannel(options(twilio_server)).send(paged := page("voice"), paged.key)

    [sent] = twilio.calls()
    assert sid == sent.sid
    assert sid.startswith("CA")
    assert sent.one("To") == NORA
    assert sent.one("From") == twilio_fake.FROM_NUMBER
    assert sent.one("StatusCallback") == f"{PUBLIC}/hooks/twilio/status?key=notify%3A12%3A3%3Anora%3Avoice"
    assert sent.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    twiml = ET.fromstring(sent.one("Twiml"))
    gather = twiml.find("Gather")
    assert gather is not None
    assert gather.attrib["numDigits"] == "1"
    assert gather.attrib["method"] == "POST"
    action = urlsplit(gather.attrib["action"])
    assert f"{action.scheme}://{action.netloc}{action.path}" == f"{PUBLIC}/hooks/twilio/voice"
    assert parse_qs(action.query) == {"key": ["notify:12:3:nora:voice"]}
    said = gather.findtext("Say") or ""
    assert "P0 incident 12: Checkout API down" in said
    assert "Press 1 to acknowledge, press 2 to escalate" in said
    assert twiml.findtext("Say") == "No key was pressed. Goodbye."  # after the Gather timed out


def test_a_title_with_markup_stays_text_in_the_twiml(twilio_server, twilio):
    VoiceChannel(options(twilio_server)).send(paged := page("voice", title="<Hangup/> & friends"), paged.key)

    said = twilio.gather(twilio.calls()[0].sid).findtext("Say") or ""
    assert "<Hangup/> & friends" in said  # escaped by the TwiML builder, read back as text


def test_a_bad_number_is_undeliverable_with_twilios_error_and_never_the_token(twilio_server, twilio):
    with pytest.raises(Undeliverable) as refused:
        SmsChannel(options(twilio_server)).send(paged := page(address=twilio_fake.INVALID_NUMBER), paged.key)

    text = str(refused.value)
    assert "HTTP 400" in text
    assert "21211" in text
    assert "is not a valid phone number" in text
    assert twilio_fake.AUTH_TOKEN not in text
    assert twilio.messages() == []


def test_wrong_credentials_are_undeliverable_without_the_token(twilio_server, twilio):
    with pytest.raises(Undeliverable) as refused:
        VoiceChannel(options(twilio_server, auth_token="not-the-token")).send(
            paged := page("voice"), paged.key
        )

    assert "HTTP 401" in str(refused.value)
    assert "20003" in str(refused.value)
    assert "not-the-token" not in str(refused.value)


def test_an_address_that_is_no_phone_number_is_refused_without_calling_twilio(twilio_server, twilio):
    with pytest.raises(Undeliverable, match=r"not an E\.164 phone number"):
        SmsChannel(options(twilio_server)).send(paged := page(address="nora@example.org"), paged.key)
    assert twilio.requests == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_5xx_or_429_is_retried_later_not_undeliverable(twilio_server, twilio, status):
    twilio.script.append((status, {"code": 20500, "message": "Internal Server Error", "status": status}))

    with pytest.raises(DeliveryFailed) as failure:
        SmsChannel(options(twilio_server)).send(paged := page(), paged.key)

    assert not isinstance(failure.value, Undeliverable)  # the worker retries it with back-off
    assert f"HTTP {status}" in str(failure.value)
    SmsChannel(options(twilio_server)).send(
        paged := page(), paged.key
    )  # the retry goes through once Twilio is back
    assert len(twilio.messages()) == 1


def test_twilio_unreachable_is_retried_later():
    unreachable = TwilioOptions(
        twilio_fake.ACCOUNT_SID,
        twilio_fake.AUTH_TOKEN,
        twilio_fake.FROM_NUMBER,
        PUBLIC,
        "http://127.0.0.1:9",
        2,
    )
    with pytest.raises(DeliveryFailed) as failure:
        VoiceChannel(unreachable).send(paged := page("voice"), paged.key)
    assert not isinstance(failure.value, Undeliverable)
    assert twilio_fake.AUTH_TOKEN not in str(failure.value)


def test_the_base_url_may_carry_a_path_for_a_compatible_provider():
    seen: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"sid": "SMabc", "status": "queued"})

    channel = SmsChannel(
        TwilioOptions(
            twilio_fake.ACCOUNT_SID, "tok", "+33757000001", PUBLIC, "https://sms.example.net/twilio/"
        ),
        transport=httpx.MockTransport(provider),
    )
    paged = page()
    assert channel.send(paged, paged.key) == "SMabc"
    assert str(seen[0].url) == (
        f"https://sms.example.net/twilio/2010-04-01/Accounts/{twilio_fake.ACCOUNT_SID}/Messages.json"
    )


def test_a_french_speaking_tocsin_texts_and_speaks_french(twilio_server, twilio):
    from tocsin.platform.i18n import using

    with using("fr"):
        SmsChannel(options(twilio_server)).send(paged := page(), paged.key)
        VoiceChannel(options(twilio_server)).send(paged := page("voice"), paged.key)

    [sms] = twilio.messages()
    assert sms.one("Body").startswith(
        "[P0] #12 Checkout API down — répondez 1 pour acquitter, 2 pour escalader\n"
        f"Acquitter : {PUBLIC}/p/ack-token"
    )
    say = twilio.gather(twilio.calls()[0].sid).find("Say")
    assert say is not None
    assert say.attrib["language"] == "fr-FR"
    assert say.text == (
        "Ici tocsin. Incident P0 numéro 12 : Checkout API down. Tapez 1 pour acquitter, 2 pour escalader."
    )
