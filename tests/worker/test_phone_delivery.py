"""An SMS page through the worker: Twilio down (503) is retried with backoff, the message goes
once Twilio answers, and its SID is the delivery's reference — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import twilio_fake
from tests.paging_plan import drain, plan
from tests.phone_helpers import NORA, page, twilio_settings
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.notification import Notification
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents


@pytest.fixture
def settings(db_url, twilio):
    config = plan(
        db_url,
        twilio=twilio_settings(twilio.base_url),
    )
    config["server"] = {"base_url": "https://tocsin.example.org"}
    config["escalation"] = {}
    return Settings.model_validate(config)


def enqueue_sms(container, incident_id: int) -> Notification:
    """What the personal rules (CORE) will plan: one SMS page to Nora, due now."""
    at = container.clock.now()
    notification = page(
        "sms",
        key=f"notify:{incident_id}:90:nora:sms",
        incident_id=incident_id,
        text="Escalation step 1/1",
        at=at,
        step=1,
    )
    with container.services.uow() as uow:
        uow.deliveries.add([notification], at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, notification.to_payload(), notification.key)])
        uow.commit()
    return notification


def test_twilio_down_is_retried_and_the_sms_goes_once_it_is_back(container, clock, twilio):
    incident = incidents.declare_incident(
        container.services, title="Checkout API down", severity=Severity.P0, by=SYSTEM
    )
    drain(container)
    sms = enqueue_sms(container, incident.id)
    twilio.down = True

    for _ in range(2):
        drain(container)
        clock.advance(timedelta(minutes=1))

    [job] = [j for j in container.jobs.list() if j.kind is JobKind.NOTIFY and j.key == sms.key]
    assert (job.status, job.attempts) == ("pending", 2)
    assert "HTTP 503" in (job.last_error or "")
    assert twilio_fake.AUTH_TOKEN not in (job.last_error or "")
    assert twilio.messages() == []

    twilio.down = False
    clock.advance(timedelta(minutes=10))
    drain(container)

    [sent] = twilio.messages()
    assert sent.one("To") == NORA
    with container.services.read() as uow:
        [delivery] = [d for d in uow.deliveries.list(incident.id) if d.key == sms.key]
        events = [e.text for e in uow.timeline.list(incident.id)]
    assert delivery.reference == sent.sid
    assert "Paged Nora Lemaire by sms (step 1)" in events
