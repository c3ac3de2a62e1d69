"""The room's evidence locker: shown to the security role on a security incident only; the
upload form streams (CSRF before the file), a file over the limit comes back as a message with
nothing kept, and every evidence route is the 404 page for those without clearance."""

from __future__ import annotations

import pytest

from tests.web.evidence_helpers import multipart, rows, security_incident
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents.incidents import declare_incident

LIMIT = 2048


@pytest.fixture
def settings(db_url, tmp_path):
    evidence = {"dir": str(tmp_path / "locker"), "max_bytes": LIMIT}
    return Settings.model_validate({"database": {"url": db_url}, "security": {"evidence": evidence}})


@pytest.fixture
def incident(services):
    return security_incident(services)


def post_file(client, incident, csrf, name="shot.png", content=b"\x89PNG screenshot", **fields):
    form = {"csrf_token": csrf, **fields} if csrf else fields
    body, headers = multipart(name, content, **form)
    return client.post(
        f"/incidents/{incident}/evidence/files", content=body, headers=headers, follow_redirects=False
    )


def test_the_security_role_sees_the_locker_and_uploads_into_it(client, as_role, incident, tmp_path):
    csrf = as_role(Role.SECURITY)
    room = client.get(f"/incidents/{incident}").text
    assert 'id="evidence"' in room
    assert "Custody log intact" in room
    assert "coming soon" not in room
    answer = post_file(client, incident, csrf, description="login page defaced")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/incidents/{incident}#evidence"
    room = client.get(f"/incidents/{incident}").text
    assert "Evidence added: shot.png" in room
    assert "login page defaced" in room
    assert len(list((tmp_path / "locker").iterdir())) == 1
    got = client.get(f"/incidents/{incident}/evidence/1/download")
    assert got.content == b"\x89PNG screenshot"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["x-content-type-options"] == "nosniff"


def test_an_upload_without_its_csrf_token_is_refused_and_leaves_nothing(
    client, as_role, incident, container, tmp_path
):
    as_role(Role.SECURITY)
    refused = post_file(client, incident, csrf="")
    assert refused.status_code == 403
    assert rows(container.engine) == (0, 0)
    assert not (tmp_path / "locker").exists() or list((tmp_path / "locker").iterdir()) == []


def test_too_big_comes_back_as_a_message_and_nothing_is_kept(client, as_role, incident, container, tmp_path):
    csrf = as_role(Role.SECURITY)
    answer = post_file(client, incident, csrf, content=b"x" * (LIMIT + 1))
    assert answer.status_code == 303
    assert "larger than the limit of 2048 bytes" in client.get(f"/incidents/{incident}").text
    assert rows(container.engine) == (0, 0)
    assert list((tmp_path / "locker").iterdir()) == []


def test_hold_then_delete_is_refused_in_the_room(client, as_role, incident):
    csrf = as_role(Role.SECURITY)
    post_file(client, incident, csrf)
    client.post(f"/incidents/{incident}/evidence/hold", data={"csrf_token": csrf, "state": "on"})
    room = client.get(f"/incidents/{incident}").text
    assert "legal hold" in room
    assert "Lift legal hold" in room
    assert 'aria-label="Delete shot.png"' not in room
    client.post(f"/incidents/{incident}/evidence/1/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert "is under legal hold" in client.get(f"/incidents/{incident}").text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RESPONDER])
def test_without_clearance_the_locker_is_not_shown_and_its_routes_are_404(
    client, as_role, incident, services, role
):
    csrf = as_role(role)
    assert 'id="evidence"' not in client.get(f"/incidents/{incident}").text
    for path in ("/evidence/1/download", "/evidence/export"):
        assert client.get(f"/incidents/{incident}{path}").status_code == 404, path
    for path in (
        "/evidence/references",
        "/evidence/hold",
        "/evidence/1/delete",
        "/evidence/verify",
        "/evidence/preserve-logs",
    ):
        answer = client.post(
            f"/incidents/{incident}{path}", data={"csrf_token": csrf, "reference": "x", "state": "on"}
        )
        assert answer.status_code == (403 if role is Role.VIEWER else 404), (
            path
        )  # a viewer changes nothing anywhere: one 403 for any incident, which tells nothing
    assert post_file(client, incident, csrf).status_code == (403 if role is Role.VIEWER else 404)


def test_not_shown_on_an_ordinary_incident(client, as_role, services, responder):
    plain = declare_incident(services, title="Slow search", severity=Severity.P3, by=responder)
    as_role(Role.SECURITY)
    assert 'id="evidence"' not in client.get(f"/incidents/{plain.id}").text
