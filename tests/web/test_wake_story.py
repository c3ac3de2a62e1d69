"""The [wake] story end to end, through the real channels, the fake Twilio and the fake ntfy
(both validating every request against the providers' documented formats), the worker and the
signed Twilio webhooks, on a frozen clock at 03:00:

a P0 nobody acknowledges pushes the Lead Engineer at once, texts her and the CTO after two
minutes and calls them after five, every step on the timeline with its delivery state; replying
``1`` to the SMS acknowledges (as that person, "from SMS") and stops every further page; a
call's keypad acknowledges the same way; an SMS from a number tocsin does not know acknowledges
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests import ntfy_fake
from tests.paging_plan import drain, plan
from tests.phone_helpers import PUBLIC, twilio_settings
from tocsin.adapters.clock import ManualClock
from tocsin.config import Settings
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.web.app import create_app

SMS_HOOK = f"{PUBLIC}/hooks/twilio/sms"
NIGHT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 03:00 in Brussels
CAMILLE = "+32470000001"  # the Lead Engineer
DAVID = "+32470000002"  # the CTO


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NIGHT)


@pytest.fixture
def settings(db_url, twilio, ntfy_server):
    config = plan(
        db_url,
        twilio=twilio_settings(twilio.base_url),
        ntfy={"server_url": ntfy_server.url, "token": ntfy_fake.TOKEN},
    )
    config["server"] = {"base_url": PUBLIC}
    camille = {"sms": CAMILLE, "voice": CAMILLE, "push": "camille-pager", "verified": True}
    config["people"]["camille"] |= {"contact": camille, "timezone": "Europe/Brussels"}
    config["people"]["david"] |= {"contact": {"sms": DAVID, "voice": DAVID, "verified": True}}
    return Settings.model_validate(config)


@pytest.fixture
def client(container) -> Iterator[TestClient]:
    with TestClient(create_app(container)) as test_client:
        yield test_client


def timeline(container, incident_id, by) -> list[str]:
    return [e.text for e in incidents.get_timeline(container.services, incident_id, by=by)]


def test_a_p0_nobody_acknowledges_pushes_texts_then_calls_the_lead_and_the_cto_on_schedule(
    container, clock, client, twilio, ntfy, responder
):
    svc = container.services
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container)
    [push] = ntfy.to("camille-pager")
    assert push["priority"] == 5  # urgent: a P0
    assert push["click"] == f"{PUBLIC}/incidents/{created.id}"
    labels = [action["label"] for action in push["actions"]]
    assert labels == ["Acknowledge", "Escalate"]
    assert all(action["url"].startswith(f"{PUBLIC}/p/") for action in push["actions"])
    assert twilio.messages() == []
    assert twilio.calls() == []

    clock.advance(timedelta(minutes=2))
    drain(container)
    assert sorted(m.one("To") for m in twilio.messages()) == [CAMILLE, DAVID]
    sms = next(m for m in twilio.messages() if m.one("To") == CAMILLE)
    assert "reply 1 to acknowledge" in sms.one("Body")
    assert f"{PUBLIC}/p/" in sms.one("Body")  # the personal one-click link
    assert twilio.status(client, sms.sid, "delivered").status_code == 204
    assert twilio.calls() == []

    clock.advance(timedelta(minutes=3))
    drain(container)
    assert sorted(c.one("To") for c in twilio.calls()) == [CAMILLE, DAVID]
    call = next(c for c in twilio.calls() if c.one("To") == DAVID)
    assert twilio.status(client, call.sid, "no-answer").status_code == 204

    texts = timeline(container, created.id, responder)
    assert any(t.startswith("SMS to Camille Martin delivered 02:02") for t in texts)
    assert any(t.startswith("Call to David Peeters not answered") for t in texts)
    pages = client.get(f"/api/v1/incidents/{created.id}/pages", headers=_token(container))
    assert pages.status_code == 200
    states = {(p["person"], p["channel"]): p["status"] for p in _rows(pages.json())}
    assert states[("camille", "push")] == "sent"
    assert states[("camille", "sms")] == "delivered"
    assert states[("david", "voice")] == "not_answered"


def test_replying_1_to_the_sms_acknowledges_and_stops_every_further_page(
    container, clock, client, twilio, ntfy, responder
):
    svc = container.services
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container)
    clock.advance(timedelta(minutes=2))
    drain(container)
    assert len(twilio.messages()) == 2

    answer = twilio.reply(client, SMS_HOOK, CAMILLE, "1")
    assert answer.status_code == 200
    assert "<Message>" in answer.text
    assert "acknowledged" in answer.text.lower()

    clock.advance(timedelta(hours=1))
    drain(container)
    assert twilio.calls() == []  # the calls due at 5 minutes never rang
    assert len(twilio.messages()) == 2  # and nothing else went out by phone
    assert len(ntfy.published) == 1
    texts = timeline(container, created.id, responder)
    assert any(t.startswith("Acknowledged by Camille Martin (from SMS)") for t in texts)
    assert not any("step 2/" in t for t in texts)  # the escalation stopped as well
    assert incidents.get_incident(svc, created.id, by=responder).acknowledged_by == "Camille Martin"


def test_pressing_1_during_the_call_acknowledges(container, clock, client, twilio, responder):
    svc = container.services
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    clock.advance(timedelta(minutes=5))
    drain(container)
    call = next(c for c in twilio.calls() if c.one("To") == DAVID)
    spoken = twilio.press(client, call.sid, "1")
    assert spoken.status_code == 200
    assert "<Say" in spoken.text
    texts = timeline(container, created.id, responder)
    assert any(t.startswith("Acknowledged by David Peeters (from call)") for t in texts), texts


def test_an_sms_from_an_unknown_number_gets_a_polite_reply_and_acknowledges_nothing(
    container, clock, client, twilio, responder
):
    svc = container.services
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    answer = twilio.reply(client, SMS_HOOK, "+33699999999", "1")
    assert answer.status_code == 200
    assert "<Message>" in answer.text
    assert incidents.get_incident(svc, created.id, by=responder).acknowledged_by is None
    forged = twilio.post_signed(client, SMS_HOOK, {"From": CAMILLE, "Body": "1"}, token="not-the-token")
    assert forged.status_code == 403
    assert incidents.get_incident(svc, created.id, by=responder).acknowledged_by is None


def _token(container) -> dict[str, str]:
    from tocsin.domain.access import Actor, Role
    from tocsin.services.access import tokens

    by = Actor("alice", Role.ADMIN)
    _, secret = tokens.create_token(container.services, name="story", role=Role.VIEWER, by=by)
    return {"Authorization": f"Bearer {secret}"}


def _rows(body):
    return body["items"] if isinstance(body, dict) and "items" in body else body
