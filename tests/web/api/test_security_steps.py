"""The security procedure's five steps over the API and in the room: the security role moves
them, with an owner and notes; others cannot, and a plain incident has no procedure."""

from __future__ import annotations

from tocsin.domain.access import Role

URL = "/api/v1/incidents"


def declare_security(client, headers) -> int:
    created = client.post(
        URL, json={"title": "Leaked keys", "severity": "P0", "security": True}, headers=headers
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_the_security_role_tracks_each_step_with_owner_times_and_notes(client, tokens, clock):
    sec = tokens[Role.SECURITY]
    iid = declare_security(client, sec)
    steps = client.get(f"{URL}/{iid}/security/steps", headers=sec).json()
    assert [s["name"] for s in steps] == [
        "Isolation",
        "Forensics",
        "Notification GDPR",
        "Communication",
        "Investigation",
    ]
    started = client.post(
        f"{URL}/{iid}/security/steps/1", json={"state": "in_progress", "owner": "Ada"}, headers=sec
    )
    assert started.status_code == 200, started.text
    done = client.post(
        f"{URL}/{iid}/security/steps/1", json={"state": "done", "note": "WAF rule added"}, headers=sec
    ).json()
    assert (done["state"], done["owner"], done["notes"][0]["text"]) == ("done", "Ada", "WAF rule added")
    assert done["started_at"] == done["ended_at"] == "2026-11-27T10:00:00Z"
    timeline = client.get(f"{URL}/{iid}/timeline", headers=sec).json()
    texts = [e["text"] for e in timeline if e["kind"] == "security_step"]
    assert texts == [
        "Security step 1 (Isolation): in progress, owner Ada",
        "Security step 1 (Isolation): done — WAF rule added",
    ]


def test_others_cannot_move_steps_and_a_plain_incident_has_none(client, tokens):
    iid = declare_security(client, tokens[Role.SECURITY])
    for role in (Role.VIEWER, Role.RESPONDER):
        refused = client.post(f"{URL}/{iid}/security/steps/2", json={"state": "done"}, headers=tokens[role])
        assert refused.status_code == (403 if role is Role.VIEWER else 404), (
            role
        )  # a viewer changes nothing anywhere: one 403 for any incident, which tells nothing
        assert client.get(f"{URL}/{iid}/security/steps", headers=tokens[role]).status_code == 404
    plain = client.post(URL, json={"title": "Slow", "severity": "P3"}, headers=tokens[Role.ADMIN]).json()[
        "id"
    ]
    refused = client.post(
        f"{URL}/{plain}/security/steps/1", json={"state": "done"}, headers=tokens[Role.ADMIN]
    )
    assert refused.status_code == 409
    assert "mark the incident first" in refused.json()["detail"]
    bad = client.post(f"{URL}/{iid}/security/steps/6", json={"state": "done"}, headers=tokens[Role.ADMIN])
    assert bad.status_code == 422
    empty = client.post(f"{URL}/{iid}/security/steps/1", json={}, headers=tokens[Role.ADMIN])
    assert empty.status_code == 422
    assert "nothing to record" in empty.json()["detail"]
