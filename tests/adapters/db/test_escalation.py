"""Escalation state and deliveries round-trip through both databases."""

from datetime import timedelta

from tests.domain.test_notification import DIRECTORY, T0
from tocsin.domain import escalation
from tocsin.domain.escalation import Policy, Step
from tocsin.domain.notification import Event, Purpose, Trigger, for_people
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents


def test_escalation_and_deliveries_round_trip(services, responder, clock):
    created = incidents.declare_incident(services, title="x", severity=Severity.P2, by=responder)
    policy = Policy(Severity.P2, (Step(("team:dev",), timedelta(hours=4)),), repeat=2)
    state = escalation.begin(created.id, policy, generation=0, at=T0).escalation.with_notified(("ben",))
    event = Event(created.id, "P2", "x", "detection", Trigger.OPENED, "t", T0, batch=9)
    notes = for_people(event, Purpose.PAGE, DIRECTORY.recipients(["team:dev"], T0), ("email",))
    with services.uow() as uow:
        uow.escalations.save(state, T0)
        uow.escalations.save(state, T0)  # an update the second time
        uow.deliveries.add(notes, T0)
        uow.deliveries.add(notes, T0)  # the same keys: skipped
        uow.deliveries.mark_sent(notes[0].key, T0 + timedelta(seconds=3), "<id@tocsin>")
        uow.commit()
    with services.read() as uow:
        assert uow.escalations.get(created.id) == state
        records = uow.deliveries.list(created.id)
    assert [(r.recipient, r.sent_at, r.reference) for r in records] == [
        ("ben", T0 + timedelta(seconds=3), "<id@tocsin>"),
        ("cy", None, None),
    ]
