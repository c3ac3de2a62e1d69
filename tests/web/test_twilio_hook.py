"""Twilio's webhooks into tocsin: an SMS reply, the keypad of a page call and the delivery
status callbacks, each sent by the fake Twilio exactly as Twilio sends them (signed
``X-Twilio-Signature`` for tocsin's public URL). Unsigned or mis-signed: 403 and nothing is
asked of ``PhoneReplies`` (a recording fake here: the real one is the CORE service)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from tests import phone_helpers, twilio_fake
from tests.phone_helpers import NORA, PUBLIC, twilio_settings
from tocsin.adapters.twilio import SmsChannel, TwilioOptions, VoiceChannel
from tocsin.domain.notification import Notification
from tocsin.web.app import create_app

SMS_URL = f"{PUBLIC}/hooks/twilio/sms"


class RecordingReplies:
    """A ``PhoneReplies`` that records what it is asked and answers fixed texts."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def sms_reply(self, from_number: str, body: str) -> str:
        self.calls.append(("sms_reply", (from_number, body)))
        return "Acknowledged #12 Checkout API down. Thank you, Nora."

    def keypress(self, key: str, digits: str, from_number: str) -> str:
        self.calls.append(("keypress", (key, digits, from_number)))
        return "Incident 12 is acknowledged. Thank you."

    def delivery_status(self, key: str, reference: str, status: str, error_code: str | None) -> None:
        self.calls.append(("delivery_status", (key, reference, status, error_code)))


@pytest.fixture
def settings(db_url, twilio):
    from tocsin.config import Settings

    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "server": {"base_url": PUBLIC},
            "notifications": {"twilio": twilio_settings(twilio.base_url)},
        }
    )


@pytest.fixture
def replies() -> RecordingReplies:
    return RecordingReplies()


@pytest.fixture
def app(container, replies):
    app = create_app(container)
    app.state.phone_replies = replies
    return app


def options(twilio) -> TwilioOptions:
    return TwilioOptions(
        twilio_fake.ACCOUNT_SID, twilio_fake.AUTH_TOKEN, twilio_fake.FROM_NUMBER, PUBLIC, twilio.base_url, 5
    )


def page(channel: str) -> Notification:
    return phone_helpers.page(channel, url=f"{PUBLIC}/incidents/12")


def test_twilios_documented_signature_example():
    # Twilio's "Validating requests" example (twilio.com/docs/usage/security#validating-requests,
    # now twilio.com/docs/usage/webhooks/webhooks-security): auth token 12345, this URL and these
    # POST parameters are signed "0/KCTR6DLpKmkAf8muzZqo1nDgQ=".
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    validator = RequestValidator("12345")

    assert validator.compute_signature(url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert validator.validate(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not validator.validate(url, {**params, "Digits": "1"}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not validator.validate(url.replace("bar=2", "bar=3"), params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


def test_a_signed_sms_reply_is_answered_with_the_reply_text_as_twiml(client, twilio, replies):
    response = twilio.reply(client, SMS_URL, NORA, "1")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    twiml = ET.fromstring(response.text)
    assert twiml.tag == "Response"
    assert twiml.findtext("Message") == "Acknowledged #12 Checkout API down. Thank you, Nora."
    assert replies.calls == [("sms_reply", (NORA, "1"))]


@pytest.mark.parametrize(
    "signed",
    [
        pytest.param({}, id="unsigned"),
        pytest.param(
            {"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}, id="signature-of-another-request"
        ),
    ],
)
def test_an_unsigned_or_mis_signed_sms_is_403_and_nothing_is_asked(client, replies, signed):
    response = client.post("/hooks/twilio/sms", data={"From": NORA, "Body": "1"}, headers=signed)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "X-Twilio-Signature" in response.json()["detail"]
    assert replies.calls == []


def test_a_request_signed_with_another_token_is_403(client, twilio, replies):
    params = {"From": NORA, "Body": "1", "To": twilio_fake.FROM_NUMBER}
    response = twilio.post_signed(client, SMS_URL, params, token="someone-elses-token")

    assert response.status_code == 403
    assert replies.calls == []


def test_a_signature_for_one_page_does_not_answer_another(client, twilio, replies):
    """The key is in the signed URL: a signed callback replayed for another page is refused."""
    params = {"CallSid": "CA" + "1" * 32, "CallStatus": "completed", "AccountSid": twilio_fake.ACCOUNT_SID}
    signature = twilio_fake.signature(
        f"{PUBLIC}/hooks/twilio/status?key=notify%3A12%3A3%3Anora%3Avoice", params
    )

    response = client.post(
        "/hooks/twilio/status?key=notify%3A13%3A1%3Anora%3Avoice",
        data=params,
        headers={"X-Twilio-Signature": signature},
    )

    assert response.status_code == 403
    assert replies.calls == []


def test_pressing_1_during_a_page_call_answers_with_the_voice_response(client, twilio, replies):
    sid = VoiceChannel(options(twilio)).send(paged := page("voice"), paged.key)

    response = twilio.press(client, sid, "1")  # the Gather action tocsin put in the call's TwiML

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    twiml = ET.fromstring(response.text)
    assert [child.tag for child in twiml] == ["Say", "Hangup"]
    assert twiml.findtext("Say") == "Incident 12 is acknowledged. Thank you."
    assert replies.calls == [("keypress", ("notify:12:3:nora:voice", "1", NORA))]


def test_a_call_where_no_key_was_pressed_says_goodbye_without_asking(client, twilio, replies):
    sid = VoiceChannel(options(twilio)).send(paged := page("voice"), paged.key)

    response = twilio.press(client, sid, "")

    assert ET.fromstring(response.text).findtext("Say") == "No key was pressed. Goodbye."
    assert replies.calls == []


def test_delivery_status_callbacks_reach_the_page_they_are_about(client, twilio, replies):
    sms = SmsChannel(options(twilio)).send(paged := page("sms"), paged.key)
    call = VoiceChannel(options(twilio)).send(paged := page("voice"), paged.key)

    delivered = twilio.status(client, sms, "delivered")
    unanswered = twilio.status(client, call, "no-answer")
    failed = twilio.status(client, sms, "undelivered", error_code="30003")

    assert [r.status_code for r in (delivered, unanswered, failed)] == [204, 204, 204]
    assert replies.calls == [
        ("delivery_status", ("notify:12:3:nora:sms", sms, "delivered", None)),
        ("delivery_status", ("notify:12:3:nora:voice", call, "no-answer", None)),
        ("delivery_status", ("notify:12:3:nora:sms", sms, "undelivered", "30003")),
    ]


def test_a_signed_callback_without_its_key_is_400(client, twilio, replies):
    params = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}
    response = twilio.post_signed(client, f"{PUBLIC}/hooks/twilio/status", params)

    assert response.status_code == 400
    assert "key" in response.json()["detail"]
    assert replies.calls == []


def test_without_twilio_configured_the_hooks_are_404(db_url, clock, twilio, replies):
    from tocsin import bootstrap
    from tocsin.config import Settings

    settings = Settings.model_validate({"database": {"url": db_url}, "server": {"base_url": PUBLIC}})
    container = bootstrap.build(settings, clock=clock)
    try:
        app = create_app(container)
        app.state.phone_replies = replies
        with TestClient(app, base_url="http://127.0.0.1") as client:
            response = twilio.reply(client, SMS_URL, NORA, "1")
    finally:
        container.close()
    assert response.status_code == 404
    assert "notifications.twilio" in response.json()["detail"]
    assert replies.calls == []


def test_a_signed_request_with_a_repeated_parameter_is_verified(client, twilio, replies):
    """Twilio signs every value of a repeated parameter (sorted): the hook reads them all."""
    from werkzeug.datastructures import MultiDict

    pairs = [
        ("From", NORA),
        ("Body", "ACK"),
        ("MediaUrl", "https://a.example/1"),
        ("MediaUrl", "https://a.example/0"),
    ]
    signature = RequestValidator(twilio_fake.AUTH_TOKEN).compute_signature(SMS_URL, MultiDict(pairs))

    response = client.post(
        "/hooks/twilio/sms",
        content="&".join(f"{k}={v}" for k, v in pairs)
        .replace("+", "%2B")
        .replace(":", "%3A")
        .replace("/", "%2F"),
        headers={"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 200
    assert replies.calls == [("sms_reply", (NORA, "ACK"))]
