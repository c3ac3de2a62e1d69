from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain.access import Role
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Impact, Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.ports import IncidentFilter

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def an_incident(incident_id=1, **overrides) -> Incident:
    fields = {
        "id": IncidentId(incident_id),
        "title": f"incident {incident_id}",
        "summary": "",
        "severity": Severity.P2,
        "phase": Phase.DETECTION,
        "source": "manual",
        "detected_at": T0,
        "declared_by": "rita",
        "ack_due_at": T0 + timedelta(hours=4),
        "response_time": timedelta(hours=4),
    }
    return Incident(**{**fields, **overrides})


def add(services, *incidents):
    with services.uow() as uow:
        for incident in incidents:
            uow.incidents.add(incident)
        uow.commit()


def test_an_incident_round_trips_with_every_field(services):
    full = an_incident(
        7,
        summary="checkout down",
        severity=Severity.P0,
        phase=Phase.POST_INCIDENT,
        acknowledged_at=T0 + timedelta(minutes=3),
        acknowledged_by="rita",
        sla_breached_at=T0 + timedelta(minutes=20),
        resolved_at=T0 + timedelta(hours=2),
        closed_at=T0 + timedelta(hours=3),
        postmortem_due_at=T0 + timedelta(hours=50),
        impact=Impact(
            users_affected=1200,
            features_down=("checkout", "login"),
            components_down=("api",),
            security_risk=True,
            data_risk=True,
            assessed_at=T0 + timedelta(minutes=10),
        ),
        security=True,
        generation=3,
    )
    add(services, full)
    with services.uow() as uow:
        assert uow.incidents.get(IncidentId(7)) == full


def test_a_missing_incident_is_not_found(services):
    with services.uow() as uow, pytest.raises(NotFound, match=r"^incident 42 does not exist$"):
        uow.incidents.get(IncidentId(42), for_update=True)


def test_save_replaces_the_stored_incident(services):
    add(services, an_incident(1))
    changed = replace(an_incident(1), title="renamed", phase=Phase.TRIAGE, generation=1)
    with services.uow() as uow:
        uow.incidents.save(changed)
        uow.commit()
    with services.uow() as uow:
        assert uow.incidents.get(IncidentId(1)) == changed


def test_saving_an_incident_that_was_never_added_fails(services):
    with services.uow() as uow, pytest.raises(NotFound):
        uow.incidents.save(an_incident(5))


def test_next_id_counts_up_and_never_repeats_within_a_transaction(services):
    with services.uow() as uow:
        first, second = uow.incidents.next_id(), uow.incidents.next_id()
        uow.incidents.add(an_incident(first))
        uow.commit()
    assert second > first >= 1
    with services.uow() as uow:
        assert uow.incidents.next_id() > first


def listing(services, **query):
    with services.uow() as uow:
        return uow.incidents.list(IncidentFilter(**query))


@pytest.fixture
def five(services):
    incidents = [
        an_incident(1, severity=Severity.P2, detected_at=T0),
        an_incident(2, severity=Severity.P0, detected_at=T0, phase=Phase.CLOSED),
        an_incident(3, severity=Severity.P2, detected_at=T0 + timedelta(hours=1), phase=Phase.TRIAGE),
        an_incident(4, severity=Severity.P0, detected_at=T0 + timedelta(hours=2)),
        an_incident(5, severity=Severity.P3, detected_at=T0 + timedelta(hours=3), phase=Phase.POST_INCIDENT),
    ]
    add(services, *incidents)
    return incidents


@pytest.mark.usefixtures("five")
@pytest.mark.parametrize(
    ("query", "ids", "total"),
    [
        ({}, [4, 2, 3, 1, 5], 5),
        ({"open": True}, [4, 3, 1], 3),
        ({"open": False}, [2, 5], 2),
        ({"severity": Severity.P2}, [3, 1], 2),
        ({"phase": Phase.TRIAGE}, [3], 1),
        ({"open": True, "severity": Severity.P0}, [4], 1),
        ({"limit": 2, "offset": 1}, [2, 3], 5),
        ({"limit": 2, "offset": 10}, [], 5),
    ],
)
def test_list_orders_by_severity_then_newest_and_filters(services, query, ids, total):
    page = listing(services, **query)
    assert [i.id for i in page.items] == ids
    assert page.total == total
    assert (page.limit, page.offset) == (query.get("limit", 50), query.get("offset", 0))


def test_the_timeline_keeps_events_in_order_with_their_data(services):
    add(services, an_incident(1), an_incident(2))
    events = [
        TimelineEvent(EventKind.DECLARED, T0, "rita", "declared", {"severity": "P2"}),
        TimelineEvent(EventKind.NOTE, T0 + timedelta(minutes=1), "bob", "looking", {}),
    ]
    with services.uow() as uow:
        uow.timeline.append(IncidentId(1), events)
        uow.timeline.append(IncidentId(2), [TimelineEvent(EventKind.NOTE, T0, "x", "other")])
        uow.timeline.append(IncidentId(1), [])
        uow.commit()
    with services.uow() as uow:
        stored = uow.timeline.list(IncidentId(1))
    assert [(e.kind, e.at, e.actor, e.text, dict(e.data)) for e in stored] == [
        (EventKind.DECLARED, T0, "rita", "declared", {"severity": "P2"}),
        (EventKind.NOTE, T0 + timedelta(minutes=1), "bob", "looking", {}),
    ]
    assert stored[0].id < stored[1].id
    assert all(e.incident_id == 1 for e in stored)


def test_a_token_is_found_by_hash_until_revoked(services):
    with services.uow() as uow:
        token = uow.tokens.add("ci", Role.RESPONDER, "h1", T0)
        uow.commit()
    assert (token.name, token.role, token.created_at, token.revoked_at) == ("ci", Role.RESPONDER, T0, None)
    with services.uow() as uow:
        assert uow.tokens.find_active("h1") == token
        assert uow.tokens.find_active("nope") is None
        revoked = uow.tokens.revoke("ci", T0 + timedelta(days=1))
        uow.commit()
    assert revoked.revoked_at == T0 + timedelta(days=1)
    with services.uow() as uow:
        assert uow.tokens.find_active("h1") is None
        assert uow.tokens.list() == [revoked]


def test_a_duplicate_active_name_is_a_conflict_and_the_transaction_survives(services):
    with services.uow() as uow:
        uow.tokens.add("ci", Role.VIEWER, "h1", T0)
        with pytest.raises(Conflict, match="'ci'"):
            uow.tokens.add("ci", Role.ADMIN, "h2", T0)
        uow.tokens.add("deploy", Role.ADMIN, "h3", T0)
        uow.commit()
    with services.uow() as uow:
        assert [t.name for t in uow.tokens.list()] == ["ci", "deploy"]


def test_a_revoked_name_can_be_reused(services):
    with services.uow() as uow:
        uow.tokens.add("ci", Role.VIEWER, "h1", T0)
        uow.tokens.revoke("ci", T0)
        uow.tokens.add("ci", Role.ADMIN, "h2", T0)
        uow.commit()
    with services.uow() as uow:
        assert [(t.name, t.revoked_at is None) for t in uow.tokens.list()] == [("ci", False), ("ci", True)]


def test_revoking_an_unknown_token_is_not_found(services):
    with services.uow() as uow, pytest.raises(NotFound, match="no active token named 'ghost'"):
        uow.tokens.revoke("ghost", T0)
