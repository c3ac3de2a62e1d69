"""The incident endpoints, end to end over a real database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tocsin.adapters.clock import ManualClock
from tocsin.domain.access import Role
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import IncidentId

URL = "/api/v1/incidents"


def declare(client, headers, *, title="Login fails", severity="P1", **extra):
    response = client.post(URL, json={"title": title, "severity": severity, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


ESCALATION = {"escalated", "escalation_stopped", "notified"}  # issue 4's own timeline entries


def timeline(client, headers, incident_id):
    """The incident's own events, without the escalation steps that issue 4 adds."""
    response = client.get(f"{URL}/{incident_id}/timeline", headers=headers)
    assert response.status_code == 200, response.text
    return [e for e in response.json() if e["kind"] not in ESCALATION]


def test_declaring_a_p1_starts_a_one_hour_response_clock(client, as_responder):
    response = client.post(URL, json={"title": "Login fails", "severity": "P1"}, headers=as_responder)

    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"{URL}/{body['id']}"
    assert body["severity"] == "P1"
    assert body["severity_name"] == "High"
    assert body["phase"] == "detection"
    assert body["source"] == "manual"
    assert body["detected_at"] == "2026-11-27T10:00:00Z"
    assert body["ack_due_at"] == "2026-11-27T11:00:00Z"
    assert body["acknowledged_at"] is None
    assert body["sla"] == {
        "state": "ok",
        "remaining_seconds": 3600.0,
        "running": True,
        "due_at": body["ack_due_at"],
        "response_time_seconds": 3600,
    }
    assert body["security"] is False
    assert client.get(response.headers["location"], headers=as_responder).json() == body


def test_the_clock_runs_until_acknowledged_then_stops(client, clock: ManualClock, as_responder):
    incident = declare(client, as_responder)
    clock.advance(timedelta(minutes=50))
    at_risk = client.get(f"{URL}/{incident['id']}", headers=as_responder).json()["sla"]
    assert at_risk == {
        "state": "at_risk",
        "remaining_seconds": 600.0,
        "running": True,
        "due_at": incident["ack_due_at"],
        "response_time_seconds": 3600,
    }

    acked = client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder).json()
    clock.advance(timedelta(hours=3))
    later = client.get(f"{URL}/{incident['id']}", headers=as_responder).json()

    assert acked["phase"] == "triage"
    assert acked["acknowledged_at"] == "2026-11-27T10:50:00Z"
    assert acked["acknowledged_by"] == "token:responder-token"
    assert later["sla"] == {
        "state": "at_risk",
        "remaining_seconds": 600.0,
        "running": False,
        "due_at": acked["ack_due_at"],
        "response_time_seconds": 3600,
    }


def test_the_timeline_shows_declaration_and_acknowledgement_with_actor_and_time(client, clock, as_responder):
    incident = declare(client, as_responder)
    clock.advance(timedelta(minutes=2))
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)

    events = timeline(client, as_responder, incident["id"])

    assert [(e["kind"], e["actor"], e["at"]) for e in events] == [
        ("declared", "token:responder-token", "2026-11-27T10:00:00Z"),
        ("acknowledged", "token:responder-token", "2026-11-27T10:02:00Z"),
    ]
    assert "P1 (High)" in events[0]["text"]
    assert "within the response time" in events[1]["text"]
    assert all(isinstance(e["id"], int) and isinstance(e["data"], dict) for e in events)


def test_list_filters_by_open_severity_and_phase(client, as_responder):
    p0 = declare(client, as_responder, title="API down", severity="P0")
    p2 = declare(client, as_responder, title="Slow search", severity="P2")
    done = declare(client, as_responder, title="Typo", severity="P3")
    client.post(f"{URL}/{p2['id']}/acknowledge", headers=as_responder)
    client.post(f"{URL}/{done['id']}/resolve", headers=as_responder)

    def ids(**params):
        response = client.get(URL, params=params, headers=as_responder)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [p0["id"], p2["id"], done["id"]]  # P0 first
    assert ids(open="true") == [p0["id"], p2["id"]]
    assert ids(open="false") == [done["id"]]
    assert ids(severity="p2") == [p2["id"]]
    assert ids(phase="triage") == [p2["id"]]
    assert ids(phase="post_incident", severity="P3") == [done["id"]]


def test_list_is_paginated_in_an_envelope(client, clock, as_responder):
    created = []
    for n in range(5):
        created.append(declare(client, as_responder, title=f"Incident {n}", severity="P2")["id"])
        clock.advance(timedelta(minutes=1))

    first = client.get(URL, params={"limit": 2}, headers=as_responder).json()
    last = client.get(URL, params={"limit": 2, "offset": 4}, headers=as_responder).json()

    assert first["total"] == 5
    assert (first["limit"], first["offset"]) == (2, 0)
    assert [item["id"] for item in first["items"]] == created[::-1][:2]  # newest first
    assert [item["id"] for item in last["items"]] == [created[0]]
    assert client.get(URL, headers=as_responder).json()["limit"] == 50


def test_list_pages_with_next_cursor_as_with_offsets(client, clock, as_responder):
    for n in range(7):
        declare(client, as_responder, title=f"Incident {n}", severity=("P0", "P2", "P3")[n % 3])
        clock.advance(timedelta(minutes=1))
    everything = [item["id"] for item in client.get(URL, headers=as_responder).json()["items"]]

    walked, params = [], {"limit": 3}
    while True:
        page = client.get(URL, params=params, headers=as_responder).json()
        walked += [item["id"] for item in page["items"]]
        assert page["total"] == 7
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}

    assert walked == everything


def test_the_timeline_pages_after_the_last_event_seen(client, as_responder):
    incident = declare(client, as_responder)
    for n in range(5):
        client.post(f"{URL}/{incident['id']}/notes", json={"text": f"note {n}"}, headers=as_responder)
    everything = client.get(f"{URL}/{incident['id']}/timeline", headers=as_responder).json()

    walked, params = [], {"limit": 2}
    while page := client.get(f"{URL}/{incident['id']}/timeline", params=params, headers=as_responder).json():
        assert len(page) <= 2
        walked += page
        params = {"limit": 2, "after": page[-1]["id"]}

    assert walked == everything
    assert len(everything) >= 6


def test_the_timeline_returns_a_page_by_default_and_links_the_next(client, as_responder, services):
    incident = declare(client, as_responder)
    with services.uow() as uow:
        notes = [
            TimelineEvent(EventKind.NOTE, datetime(2026, 3, 1, tzinfo=UTC), "rita", f"note {n}")
            for n in range(120)
        ]
        uow.timeline.append(IncidentId(incident["id"]), notes)
        uow.commit()
    url = f"{URL}/{incident['id']}/timeline"
    first = client.get(url, headers=as_responder)
    assert len(first.json()) == 100
    assert first.json()[0]["kind"] == "declared"  # oldest first, as before

    walked = []
    while url:
        page = client.get(url, headers=as_responder)
        walked += page.json()
        url = page.headers.get("link", "").partition(">")[0].removeprefix("<")
    assert [e["text"] for e in walked if e["kind"] == "note"] == [f"note {n}" for n in range(120)]
    assert len({e["id"] for e in walked}) == len(walked) >= 121


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"open": "maybe"}, "open"),
    ],
)
def test_list_refuses_bad_paging_and_filters(client, as_responder, params, field):
    response = client.get(URL, params=params, headers=as_responder)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_patch_severity_recomputes_the_deadline_and_records_the_reason(client, clock, as_responder):
    incident = declare(client, as_responder, severity="P3")
    assert incident["ack_due_at"] == "2026-11-28T10:00:00Z"  # P3: 24 h
    clock.advance(timedelta(minutes=10))

    response = client.patch(
        f"{URL}/{incident['id']}", json={"severity": "P1", "reason": "payments blocked"}, headers=as_responder
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["severity"] == "P1"
    assert body["ack_due_at"] == "2026-11-27T11:00:00Z"  # from detection, not from now
    assert body["sla"]["remaining_seconds"] == 50 * 60
    change = timeline(client, as_responder, incident["id"])[-1]
    assert change["kind"] == "severity_changed"
    assert "payments blocked" in change["text"]
    assert change["data"] == {"old": "P3", "new": "P1", "reason": "payments blocked"}


def test_patch_title(client, as_responder):
    incident = declare(client, as_responder)

    body = client.patch(
        f"{URL}/{incident['id']}", json={"title": "  Login   fails for SSO "}, headers=as_responder
    )

    assert body.json()["title"] == "Login fails for SSO"
    assert timeline(client, as_responder, incident["id"])[-1]["kind"] == "renamed"


def test_patch_with_nothing_to_change_is_refused(client, as_responder):
    incident = declare(client, as_responder)

    response = client.patch(f"{URL}/{incident['id']}", json={"reason": "why not"}, headers=as_responder)

    assert response.status_code == 422
    assert "nothing to change" in response.json()["detail"]


def test_impact_assessment_during_triage_moves_to_resolution(client, tokens):
    # a security risk makes it a security incident: the security role still reads it all
    as_responder = tokens[Role.SECURITY]
    incident = declare(client, as_responder)
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)
    impact = {
        "users_affected": 1200,
        "features_down": ["login"],
        "components_down": ["auth-api"],
        "security_risk": True,
        "data_risk": False,
    }

    response = client.post(f"{URL}/{incident['id']}/impact", json=impact, headers=as_responder)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phase"] == "resolution"
    assert body["security"] is True
    assert body["impact"] == {**impact, "assessed_at": "2026-11-27T10:00:00Z"}
    kinds = [e["kind"] for e in timeline(client, as_responder, incident["id"])]
    assert kinds[-3:] == ["impact_assessed", "note", "phase_changed"]


def test_impact_refuses_negative_users(client, as_responder):
    incident = declare(client, as_responder)

    response = client.post(
        f"{URL}/{incident['id']}/impact", json={"users_affected": -1}, headers=as_responder
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "users_affected"


def test_triage_needs_real_answers(client, as_responder):
    incident = declare(client, as_responder)
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)
    url = f"{URL}/{incident['id']}/impact"

    empty = client.post(url, json={}, headers=as_responder)
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "users_affected"
    nothing_down = client.post(url, json={"users_affected": "unknown"}, headers=as_responder)
    assert nothing_down.status_code == 422
    assert nothing_down.json()["detail"].startswith("features_down: name the features or components")
    assert client.get(f"{URL}/{incident['id']}", headers=as_responder).json()["phase"] == "triage"

    answered = client.post(
        url, json={"users_affected": "unknown", "components_down": ["db"]}, headers=as_responder
    )
    assert answered.status_code == 200
    assert answered.json()["phase"] == "resolution"
    assert answered.json()["impact"]["users_affected"] is None


def test_a_note_is_added_to_the_timeline(client, as_responder):
    incident = declare(client, as_responder)

    response = client.post(
        f"{URL}/{incident['id']}/notes", json={"text": "Rolled back v2.3"}, headers=as_responder
    )

    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{URL}/{incident['id']}/timeline"
    note = timeline(client, as_responder, incident["id"])[-1]
    assert (note["kind"], note["text"], note["actor"]) == (
        "note",
        "Rolled back v2.3",
        "token:responder-token",
    )


def test_a_blank_note_is_refused_naming_the_field(client, as_responder):
    incident = declare(client, as_responder)

    response = client.post(f"{URL}/{incident['id']}/notes", json={"text": "   "}, headers=as_responder)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "text", "message": "must not be empty"}]


def test_resolve_then_close(client, clock, as_responder, as_admin):
    incident = declare(client, as_responder, severity="P0")
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)
    clock.advance(timedelta(minutes=30))

    resolved = client.post(
        f"{URL}/{incident['id']}/resolve", json={"summary": "pool size raised"}, headers=as_responder
    ).json()
    blocked = client.post(f"{URL}/{incident['id']}/close", headers=as_responder)
    assert blocked.status_code == 409
    assert "post-mortem" in blocked.json()["detail"]
    waive = {"reason": "covered by the review of #0"}
    client.post(f"{URL}/{incident['id']}/postmortem/waive", json=waive, headers=as_admin)
    closed = client.post(f"{URL}/{incident['id']}/close", headers=as_responder).json()

    assert resolved["phase"] == "post_incident"
    assert resolved["resolved_at"] == "2026-11-27T10:30:00Z"
    assert resolved["postmortem_due_at"] == "2026-11-29T10:30:00Z"  # P0: post-mortem within 48 h
    assert closed["phase"] == "closed"
    assert closed["closed_at"] == "2026-11-27T10:30:00Z"
    assert closed["open"] is False
    events = timeline(client, as_responder, incident["id"])
    assert any("pool size raised" in e["text"] for e in events if e["kind"] == "resolved")
    assert events[-2]["text"] == "Post-mortem waived by token:admin-token: covered by the review of #0"
    assert events[-1]["kind"] == "closed"


def test_resolve_without_a_body(client, as_responder):
    incident = declare(client, as_responder)

    response = client.post(f"{URL}/{incident['id']}/resolve", headers=as_responder)

    assert response.status_code == 200
    assert response.json()["phase"] == "post_incident"


def test_reopen_a_closed_incident(client, as_responder):
    incident = declare(client, as_responder)
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)
    client.post(f"{URL}/{incident['id']}/resolve", headers=as_responder)
    client.post(f"{URL}/{incident['id']}/close", headers=as_responder)

    response = client.post(
        f"{URL}/{incident['id']}/reopen", json={"reason": "errors are back"}, headers=as_responder
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["phase"], body["resolved_at"], body["closed_at"]) == ("resolution", None, None)
    assert timeline(client, as_responder, incident["id"])[-1]["text"] == "Reopened: errors are back"


def test_unknown_severity_is_a_422_naming_the_field_and_the_allowed_values(client, as_responder):
    response = client.post(URL, json={"title": "Login fails", "severity": "P9"}, headers=as_responder)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert "severity" in problem["detail"]
    assert "P0, P1, P2, P3" in problem["detail"]
    assert problem["errors"] == [
        {
            "field": "severity",
            "in": "body",
            "message": "unknown value 'P9': allowed values are P0, P1, P2, P3",
            "allowed": ["P0", "P1", "P2", "P3"],
        }
    ]
    assert client.get(URL, headers=as_responder).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "P1"}, "title"),
        ({"title": "x", "severity": "P1", "sevrity": "P0"}, "sevrity"),
        ({"title": "x" * 201, "severity": "P1"}, "title"),
    ],
)
def test_declare_refuses_bad_bodies_naming_the_field(client, as_responder, body, field):
    response = client.post(URL, json=body, headers=as_responder)

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_acknowledging_a_closed_incident_is_a_409_naming_its_phase(client, as_responder):
    incident = declare(client, as_responder, severity="P2")
    client.post(f"{URL}/{incident['id']}/resolve", headers=as_responder)
    assert client.post(f"{URL}/{incident['id']}/close", headers=as_responder).status_code == 200

    response = client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "'closed'" in response.json()["detail"]
    assert response.json()["title"] == "Invalid transition"


def test_a_viewer_can_read_but_not_act_and_nothing_is_written(client, as_viewer, as_responder):
    incident = declare(client, as_responder)
    before = timeline(client, as_viewer, incident["id"])

    response = client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_viewer)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "responder" in response.json()["detail"]
    assert timeline(client, as_viewer, incident["id"]) == before
    assert client.get(f"{URL}/{incident['id']}", headers=as_viewer).json() == incident
    assert client.post(URL, json={"title": "x", "severity": "P1"}, headers=as_viewer).status_code == 403
    assert client.get(URL, headers=as_viewer).json()["total"] == 1


def test_an_admin_can_act(client, as_admin):
    assert declare(client, as_admin)["phase"] == "detection"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/timeline"), ("post", "/acknowledge"), ("patch", "")],
)
def test_a_missing_incident_is_a_404_problem(client, as_responder, method, suffix):
    kwargs = {"json": {"title": "x"}} if method == "patch" else {}

    response = client.request(method, f"{URL}/4242{suffix}", headers=as_responder, **kwargs)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "incident 4242 does not exist"


@pytest.mark.parametrize("incident_id", ["0", "abc", str(2**31)])
def test_an_impossible_id_is_a_422(client, as_responder, incident_id):
    response = client.get(f"{URL}/{incident_id}", headers=as_responder)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "incident_id"


def test_the_acknowledge_answer_is_the_incident_as_read_after_it(client, clock: ManualClock, as_responder):
    incident = declare(client, as_responder, severity="P2")
    clock.advance(timedelta(minutes=3))

    response = client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == client.get(f"{URL}/{incident['id']}", headers=as_responder).json()
    assert response.json()["alerts"] == {"firing": 0, "resolved": 0, "total": 0, "truncated": 0}


def test_each_escalation_line_follows_the_event_that_caused_it(client, clock: ManualClock, as_responder):
    incident = declare(client, as_responder, severity="P1")
    clock.advance(timedelta(minutes=2))
    client.post(f"{URL}/{incident['id']}/acknowledge", headers=as_responder)

    events = client.get(f"{URL}/{incident['id']}/timeline", headers=as_responder).json()

    assert [e["kind"] for e in events] == ["declared", "escalated", "acknowledged", "escalation_stopped"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
