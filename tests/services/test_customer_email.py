"""The plan's "Email utilisateurs si prolongé (> 1h)" with a frozen clock and a real SMTP server
on 127.0.0.1, in both modes: sent at once, or held for the incident commander's approval."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.paging_plan import drain
from tests.smtp_sink import SmtpSink
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.errors import Conflict
from tocsin.domain.events import EventKind
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.statuspage import customer_email

USERS = ["ops@customer.example", "cfo@customer.example"]


def _settings(db_url: str, sink: SmtpSink, mode: str, language: str = "en") -> Settings:
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "status@koprogo.com"}
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "notifications": {"email": smtp},
            "statuspage": {
                "enabled": True,
                "name": "KoproGo Status",
                "customer_email": {"mode": mode, "affected_users": USERS, "language": language},
            },
        }
    )


@pytest.fixture(params=["send"])
def settings(request, db_url, sink):
    return _settings(db_url, sink, request.param)


def _declare(services, severity=Severity.P1):
    return incidents.declare_incident(
        services, title="LoginFailures on web-3.prod", severity=severity, by=SYSTEM
    )


def _kinds(services, incident_id):
    return [
        e
        for e in incidents.get_timeline(services, incident_id, by=SYSTEM)
        if e.kind is EventKind.CUSTOMER_EMAIL
    ]


def test_nothing_before_one_hour_then_it_goes_to_the_affected_users(container, services, clock, sink):
    incident = _declare(services)
    clock.advance(timedelta(minutes=59))
    drain(container)
    assert sink.messages == []
    clock.advance(timedelta(minutes=1))
    drain(container)
    assert sink.recipients() == sorted(USERS)
    message = sink.messages[0]
    assert message["Subject"] == "[KoproGo Status] Ongoing incident: Partial outage"
    body = message.get_content()
    assert "Since 2026-11-27 10:00 UTC" in body
    assert "web-3" not in body
    assert "sent to 2 recipient(s)" in _kinds(services, incident.id)[0].text
    clock.advance(timedelta(hours=1))
    drain(container)
    assert len(sink.messages) == 2  # once per incident


def test_resolution_email_follows_once(container, services, clock, sink):
    incident = _declare(services)
    clock.advance(timedelta(hours=1))
    drain(container)
    clock.advance(timedelta(minutes=20))
    incidents.resolve_incident(services, incident.id, by=SYSTEM)
    drain(container)
    subjects = sorted(str(m["Subject"]) for m in sink.messages)
    assert subjects.count("[KoproGo Status] Resolved: Partial outage") == 2
    assert "resolved at 2026-11-27 11:20 UTC" in sink.messages[-1].get_content()


def test_an_incident_resolved_within_the_hour_emails_nobody(container, services, clock, sink):
    incident = _declare(services, Severity.P0)
    clock.advance(timedelta(minutes=40))
    incidents.resolve_incident(services, incident.id, by=SYSTEM)
    clock.advance(timedelta(hours=2))
    drain(container)
    assert sink.messages == []


def test_p2_has_no_customer_email(container, services, clock, sink):
    _declare(services, Severity.P2)
    clock.advance(timedelta(hours=5))
    drain(container)
    assert sink.messages == []


@pytest.mark.parametrize("settings", ["approve"], indirect=True)
def test_approve_mode_waits_for_the_incident_commander(container, services, clock, sink, responder):
    incident = _declare(services)
    clock.advance(timedelta(hours=1))
    drain(container)
    assert sink.messages == []
    [prepared] = _kinds(services, incident.id)
    assert "must approve" in prepared.text
    assert f"tocsin status approve-email {incident.id}" in prepared.text
    customer_email.approve(services, IncidentId(incident.id), by=responder)
    drain(container)
    assert sink.recipients() == sorted(USERS)
    with pytest.raises(Conflict):
        customer_email.approve(services, IncidentId(incident.id), by=responder)


def test_french_template(db_url, sink, clock):
    from tocsin import bootstrap

    built = bootstrap.build(_settings(db_url, sink, "send", "fr"), clock=clock)
    try:
        _declare(built.services)
        clock.advance(timedelta(hours=1))
        drain(built)
        assert sink.messages[0]["Subject"] == "[KoproGo Status] Incident en cours : Partial outage"
    finally:
        built.close()


def test_confirmed_subscribers_get_it_too_with_their_unsubscribe_link(container, services, clock, sink):
    from tocsin.services.statuspage import subscribers

    subscribers.subscribe(services, "reader@example.org")
    subscribers.subscribe(services, "pending@example.org")
    with services.read() as uow:
        token = uow.statuspage.subscriber_by_email("reader@example.org").token
    subscribers.confirm(services, token)
    drain(container)  # the two confirmation mails
    _declare(services)
    clock.advance(timedelta(hours=1))
    drain(container)
    customer = [m for m in sink.messages if "Ongoing incident" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in customer) == sorted([*USERS, "reader@example.org"])
    [mail] = [m for m in customer if str(m["To"]) == "reader@example.org"]
    assert f"unsubscribe?token={token}" in mail.get_content()


def test_the_mails_are_rows_of_the_one_deliveries_table_not_pages_of_the_incident(
    container, services, clock, sink
):
    """Each customer mail is a ``mail`` delivery keyed as before (customer:<id>:<kind>:<to>),
    marked sent with its Message-ID; the incident's list of pages does not show them."""
    incident = _declare(services)
    clock.advance(timedelta(hours=1))
    drain(container)
    with services.uow() as uow:
        pages = uow.deliveries.list(incident.id)
        mails = [uow.statuspage.get_mail(i) for i in range(1, 50)]
    sent = {m.key: m for m in mails if m is not None}
    assert sorted(sent) == [f"customer:{incident.id}:prolonged:{to}" for to in sorted(USERS)]
    assert all(m.sent_at == clock.now() for m in sent.values())
    assert sorted(m["Message-ID"] for m in sink.messages) == sorted(
        f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@tocsin>" for key in sent
    )
    assert pages == []  # nobody was paged: the two mails of this incident are not listed as pages
