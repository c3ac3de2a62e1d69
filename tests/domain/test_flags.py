from datetime import UTC, datetime, timedelta

import pytest

from tocsin.config import Settings
from tocsin.domain import incident as domain
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import EventKind
from tocsin.domain.flags import mark_security
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
PLAN = Settings().plan()


def an_incident():
    return domain.declare(
        IncidentId(1), title="Odd logins", severity=Severity.P2, at=T0, by="rita", plan=PLAN
    ).incident


def test_marking_sets_the_flag_and_records_who_and_why():
    change = mark_security(an_incident(), reason="logins from one IP range", at=T0, by="rita")
    assert change.incident.security is True
    (event,) = change.events
    assert event.kind is EventKind.SECURITY_MARKED
    assert (
        event.text
        == "Marked as a security incident: the security procedure applies (logins from one IP range)"
    )
    assert event.actor == "rita"
    assert change.jobs == ()


def test_marking_twice_is_refused():
    marked = mark_security(an_incident(), at=T0, by="rita").incident
    with pytest.raises(InvalidInput, match="already"):
        mark_security(marked, at=T0, by="rita")


def test_a_closed_incident_cannot_be_marked():
    incident = an_incident()
    resolved = domain.resolve(incident, at=T0 + timedelta(minutes=1), by="rita", plan=PLAN).incident
    closed = domain.close(resolved, at=T0 + timedelta(minutes=2), by="rita").incident
    with pytest.raises(InvalidTransition):
        mark_security(closed, at=T0, by="rita")


def test_time_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        mark_security(an_incident(), at=datetime(2026, 1, 1), by="rita")
