"""Pages that wake people, with a frozen clock: each paged person's rule (push and e-mail at
once, SMS after 2 minutes, a call after 5), quiet hours, acknowledging from an SMS stopping
every further page, a refused number moving on to the next method, delivery statuses."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.paging_plan import Recorder, drain, plan
from tocsin.adapters.clock import ManualClock
from tocsin.config import Settings
from tocsin.domain.delivery import Undeliverable
from tocsin.domain.events import JobKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import contacts
from tocsin.services.paging.phone_replies import UNKNOWN, PhoneReplyService

NIGHT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 03:00 in Brussels and Paris
CAMILLE = "+32470000001"
DAVID = "+32470000002"


class Refusing(Recorder):
    """A channel whose provider refuses every message for good (a 4xx)."""

    def send(self, notification, key):
        super().send(notification, key)
        raise Undeliverable("21211 invalid 'To' phone number")


def wake_plan(db_url, **people):
    config = plan(db_url, email={"enabled": True})
    config["people"]["camille"] |= {
        "contact": {"sms": CAMILLE, "voice": CAMILLE, "push": "camille-pager", "verified": True}
    }
    config["people"]["david"] |= {"contact": {"sms": DAVID, "voice": DAVID, "verified": True}}
    config["roles"]["admin"] = {"name": "Admins", "members": ["ines"]}
    for ident, extra in people.items():
        config["people"][ident] |= extra
    return config


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(wake_plan(db_url))


@pytest.fixture
def channels():
    return {name: Recorder(name) for name in ("email", "push", "sms", "voice")}


@pytest.fixture
def clock():
    return ManualClock(NIGHT)


@pytest.fixture
def svc(services, channels):
    paging = replace(services.paging, channels=channels, person_channels=("email",))
    return replace(services, paging=paging)


def sent(channels, purpose="page"):
    return sorted(
        (name, n.recipient, n.address)
        for name, rec in channels.items()
        for n in rec.sent
        if n.purpose.value == purpose
    )


def timeline(svc, incident_id, by):
    return [e.text for e in incidents.get_timeline(svc, incident_id, by=by)]


def deliveries(svc, incident_id):
    with svc.read() as uow:
        return {(d.recipient, d.channel): d for d in uow.deliveries.list(incident_id)}


def test_a_p0_at_night_pushes_and_mails_at_once_texts_after_2_minutes_calls_after_5(
    svc, container, responder, channels, clock
):
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container, svc)
    assert sent(channels) == [
        ("email", "camille", "camille@example.org"),
        ("email", "david", "david@example.org"),
        ("push", "camille", "camille-pager"),  # David has no push topic: not planned
    ]
    clock.advance(timedelta(minutes=1, seconds=59))
    drain(container, svc)
    assert len(sent(channels)) == 3
    clock.advance(timedelta(seconds=1))
    drain(container, svc)
    assert sorted(n.address for n in channels["sms"].sent) == [CAMILLE, DAVID]
    clock.advance(timedelta(minutes=3))
    drain(container, svc)
    assert sorted(n.address for n in channels["voice"].sent) == [CAMILLE, DAVID]
    states = deliveries(svc, created.id)
    assert states[("camille", "voice")].due_at == NIGHT + timedelta(minutes=5)
    assert states[("camille", "voice")].status == "sent"


def test_replying_1_to_the_sms_acknowledges_as_that_person_and_stops_every_further_page(
    svc, container, responder, channels, clock
):
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    clock.advance(timedelta(minutes=2))
    drain(container, svc)
    assert len(channels["sms"].sent) == 2

    answer = PhoneReplyService(svc).sms_reply(f"{CAMILLE[:3]} {CAMILLE[3:]}", " ack ")
    assert f"#{created.id} acknowledged" in answer
    clock.advance(timedelta(hours=1))
    drain(container, svc)
    assert channels["voice"].sent == []  # the calls due at 5 minutes never rang
    states = deliveries(svc, created.id)
    assert states[("camille", "voice")].status == "skipped"
    assert states[("david", "voice")].status == "skipped"
    texts = timeline(svc, created.id, responder)
    assert any(t.startswith("Acknowledged by Camille Martin (from SMS)") for t in texts)
    assert not any("step 2/" in t for t in texts)  # the escalation stopped too


def test_a_p3_at_3am_waits_for_the_end_of_quiet_hours_and_a_p0_does_not(db_url, responder, channels):
    from tocsin import bootstrap

    quiet = {"timezone": "Europe/Paris", "quiet_hours": {"start": "22:00", "end": "07:00"}}
    settings = Settings.model_validate(wake_plan(db_url, hugo=quiet, ines=quiet, camille=quiet))
    clock = ManualClock(NIGHT)
    container = bootstrap.build(settings, clock=clock)
    try:
        svc = replace(
            container.services,
            paging=replace(container.services.paging, channels=channels, person_channels=("email",)),
        )
        incidents.declare_incident(svc, title="Typo on a page", severity=Severity.P3, by=responder)
        incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
        drain(container, svc)
        assert ("email", "camille", "camille@example.org") in sent(channels)  # P0: at once
        assert not any(who in ("hugo", "ines") for _, who, _ in sent(channels))
        clock.set(datetime(2026, 11, 28, 5, 59, tzinfo=UTC))
        drain(container, svc)
        assert not any(who in ("hugo", "ines") for _, who, _ in sent(channels))
        clock.set(datetime(2026, 11, 28, 6, 0, tzinfo=UTC))  # 07:00 in Paris
        drain(container, svc)
        assert {who for _, who, _ in sent(channels) if who in ("hugo", "ines")} == {"hugo", "ines"}
    finally:
        container.close()


def test_a_refused_number_fails_at_once_moves_to_the_call_and_tells_the_admins(
    svc, container, responder, channels, clock
):
    refusing = Refusing("sms")
    svc = replace(svc, paging=replace(svc.paging, channels={**channels, "sms": refusing}))
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container, svc)
    clock.advance(timedelta(minutes=2))
    drain(container, svc)
    assert len(refusing.sent) == 2  # tried once each, never retried
    assert sorted(n.address for n in channels["voice"].sent) == [CAMILLE, DAVID]  # due at 5 min, sent at 2
    states = deliveries(svc, created.id)
    assert states[("camille", "sms")].status == "failed"
    assert states[("camille", "voice")].due_at == NIGHT + timedelta(minutes=2)  # brought forward
    notify_jobs = [j for j in container.jobs.list(status="pending") if j.kind is JobKind.NOTIFY]
    assert notify_jobs == []
    assert not [j for j in container.jobs.list(status="dead")]
    texts = timeline(svc, created.id, responder)
    assert any(t.startswith("SMS to Camille Martin failed: 21211") and t.endswith("voice now") for t in texts)
    told = [n for n in channels["email"].sent if n.recipient == "ines"]
    assert len(told) == 2  # one notice per refused page
    texts = sorted(n.text for n in told)
    assert "could not page Camille Martin by sms (+32470000001)" in texts[0]
    assert all(n.ack_url == "" for n in told)  # a notice to an admin is not a page to acknowledge


def test_an_sms_from_an_unknown_or_unverified_number_acknowledges_nothing(svc, container, responder, clock):
    replies = PhoneReplyService(svc)
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container, svc)
    contacts.add_method(svc, "hugo", "sms", "+32470000009")  # added, never verified
    assert replies.sms_reply("+32470000009", "1") == UNKNOWN
    assert replies.sms_reply("+15550000000", "1") == UNKNOWN
    assert replies.sms_reply("not a number", "ACK") == UNKNOWN
    assert "reply 1" in replies.sms_reply(DAVID, "help")
    assert incidents.get_incident(svc, created.id, by=responder).acknowledged_at is None


def test_esc_escalates_and_the_call_keypad_acknowledges(svc, container, responder, clock):
    replies = PhoneReplyService(svc)
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P1, by=responder)
    drain(container, svc)  # P1 pages Sofia (on call, no phone) — David has no page yet
    assert replies.sms_reply(DAVID, "1") == "tocsin: you have no unacknowledged page."
    escalated = incidents.declare_incident(svc, title="Checkout slow", severity=Severity.P0, by=responder)
    drain(container, svc)
    assert "escalated" in replies.sms_reply(DAVID, "ESC")
    assert any("escalated by David Peeters (from SMS)" in t for t in timeline(svc, escalated.id, responder))
    key = f"notify:{escalated.id}:1:david:voice"
    assert replies.keypress(key, "9", DAVID) == "Press 1 to acknowledge, 2 to escalate."
    assert "acknowledged" in replies.keypress(key, "1", DAVID)
    assert incidents.get_incident(svc, escalated.id, by=responder).acknowledged_by == "David Peeters"
    assert any(
        t.startswith("Acknowledged by David Peeters (from call)")
        for t in timeline(svc, escalated.id, responder)
    )
    assert replies.keypress("notify:999:1:david:voice", "1", DAVID).startswith("This page is not known")
    assert incidents.get_incident(svc, created.id, by=responder).acknowledged_at is None


def test_delivery_statuses_are_recorded_and_an_unanswered_call_moves_on(
    svc, container, responder, channels, clock
):
    replies = PhoneReplyService(svc)
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=responder)
    drain(container, svc)
    clock.advance(timedelta(minutes=2, seconds=1))
    drain(container, svc)
    sms_key = f"notify:{created.id}:1:camille:sms"
    replies.delivery_status(sms_key, "SM123", "sent", None)  # nothing to record yet
    replies.delivery_status(sms_key, "SM123", "delivered", None)
    replies.delivery_status(sms_key, "SM123", "delivered", None)  # Twilio repeats itself
    assert deliveries(svc, created.id)[("camille", "sms")].status == "delivered"
    texts = timeline(svc, created.id, responder)
    assert texts.count("SMS to Camille Martin delivered 02:02:01") == 1

    replies.delivery_status(f"notify:{created.id}:1:david:sms", "SM124", "undelivered", "30003")
    texts = timeline(svc, created.id, responder)
    assert "SMS to David Peeters failed 02:02:01 (error 30003); Call now" in texts
    drain(container, svc)
    assert [n.address for n in channels["voice"].sent] == [DAVID]  # Camille's call waits for 5 min
    replies.delivery_status(f"notify:{created.id}:1:david:voice", "CA1", "no-answer", None)
    assert "Call to David Peeters not answered 02:02:01" in timeline(svc, created.id, responder)


@pytest.mark.parametrize(("wait_for_rules", "step_2_after"), [(True, 5), (False, 1)])
def test_a_step_can_wait_for_its_peoples_rules_to_run_their_course(
    db_url, responder, channels, wait_for_rules, step_2_after
):
    from tocsin import bootstrap

    config = wake_plan(db_url, sofia={"contact": {"voice": "+32470000004", "verified": True}})
    config["escalation"] = {
        "P1": {
            "steps": [{"wait": "1m"}, {"targets": ["role:lead_engineer"]}],
            "wait_for_rules": wait_for_rules,
        }
    }
    clock = ManualClock(NIGHT)
    container = bootstrap.build(Settings.model_validate(config), clock=clock)
    try:
        svc = replace(
            container.services,
            paging=replace(container.services.paging, channels=channels, person_channels=("email",)),
        )
        created = incidents.declare_incident(svc, title="Checkout slow", severity=Severity.P1, by=responder)
        [first] = [t for t in timeline(svc, created.id, responder) if "step 1/2" in t]
        assert f"next step at 02:0{step_2_after} UTC" in first
        clock.advance(timedelta(minutes=step_2_after) - timedelta(seconds=1))
        drain(container, svc)
        assert "camille" not in {who for _, who, _ in sent(channels)}
        clock.advance(timedelta(seconds=1))
        drain(container, svc)
        assert "camille" in {who for _, who, _ in sent(channels)}
        clock.set(NIGHT + timedelta(minutes=5))
        drain(container, svc)
        assert ("voice", "sofia", "+32470000004") in sent(channels)  # Sofia's call, at 5 min either way
    finally:
        container.close()
