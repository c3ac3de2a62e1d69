"""The evidence locker over HTTP: upload (streamed, size-limited, stored under its hash),
download as an attachment, references, legal hold, verify after tampering, the export's
manifest, and 404 for everyone without clearance on every route."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from tests.web.evidence_helpers import multipart, rows, security_incident
from tocsin.adapters.db.schema import evidence_custody
from tocsin.config import Settings
from tocsin.domain.access import Role

LIMIT = 4096
LOG = b"2026-11-27T09:58:01Z sshd[311]: Accepted password for admin from 203.0.113.9\n"


@pytest.fixture
def settings(db_url, tmp_path):
    evidence = {"dir": str(tmp_path / "locker"), "max_bytes": LIMIT}
    return Settings.model_validate({"database": {"url": db_url}, "security": {"evidence": evidence}})


@pytest.fixture
def locker(tmp_path):
    return tmp_path / "locker"


@pytest.fixture
def as_security(tokens):
    return tokens[Role.SECURITY]


@pytest.fixture
def incident(services):
    return security_incident(services)


def url(incident_id, rest=""):
    return f"/api/v1/incidents/{incident_id}/evidence{rest}"


def upload(client, headers, incident_id, name="auth.log", content=LOG, **fields):
    body, extra = multipart(name, content, **fields)
    return client.post(url(incident_id, "/files"), content=body, headers={**headers, **extra})


def test_upload_list_and_download_as_an_attachment(client, as_security, incident, locker):
    created = upload(client, as_security, incident, description="sshd log of bastion-1")
    assert created.status_code == 201, created.text
    item = created.json()
    digest = hashlib.sha256(LOG).hexdigest()
    assert (item["name"], item["sha256"], item["size"]) == ("auth.log", digest, len(LOG))
    assert item["description"] == "sshd log of bastion-1"
    assert sorted(p.name for p in locker.iterdir()) == [digest]

    listed = client.get(url(incident), headers=as_security).json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    assert listed["held"] is False

    got = client.get(url(incident, f"/{item['id']}/download"), headers=as_security)
    assert got.status_code == 200
    assert got.content == LOG
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith('attachment; filename="auth.log"')
    assert got.headers["x-content-type-options"] == "nosniff"

    log = client.get(url(incident, "/custody"), headers=as_security).json()
    assert [(e["seq"], e["action"], e["actor"], e["item_sha256"]) for e in log] == [
        (1, "added", "token:security-token", digest),
        (2, "downloaded", "token:security-token", digest),
    ]
    assert log[1]["prev_hash"] == log[0]["hash"]


def test_the_same_content_twice_is_one_file_and_a_conflict_in_the_same_locker(
    client, as_security, services, locker
):
    first, second = security_incident(services), security_incident(services, "Second")
    assert upload(client, as_security, first).status_code == 201
    assert upload(client, as_security, second, name="copy.log").status_code == 201
    assert len(list(locker.iterdir())) == 1
    again = upload(client, as_security, first, name="again.log")
    assert again.status_code == 409
    assert "already in the locker" in again.json()["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_evidence_over_the_limit_is_413_and_leaves_nothing(
    client, as_security, incident, locker, container, chunked
):
    body, extra = multipart("dump.bin", b"x" * (LIMIT + 1))
    content = iter([body[i : i + 1000] for i in range(0, len(body), 1000)]) if chunked else body
    refused = client.post(url(incident, "/files"), content=content, headers={**as_security, **extra})
    assert refused.status_code == 413, refused.text
    assert str(LIMIT) in refused.json()["detail"]
    assert not locker.exists() or list(locker.iterdir()) == []
    assert rows(container.engine) == (0, 0)
    exactly = upload(client, as_security, incident, content=b"y" * LIMIT)
    assert exactly.status_code == 201


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../../etc/cron.d/evil", "evil"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/tmp/../x/../screenshot.png", "screenshot.png"),
    ],
)
def test_a_name_with_path_parts_is_metadata_and_the_file_sits_under_its_hash(
    client, as_security, incident, locker, tmp_path, given, kept
):
    created = upload(client, as_security, incident, name=given)
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == kept
    assert [p.name for p in locker.iterdir()] == [item["sha256"]]
    assert {p.name for p in tmp_path.iterdir()} - {"db"} == {"locker"}  # nothing beside it
    got = client.get(url(incident, f"/{item['id']}/download"), headers=as_security)
    assert got.headers["content-disposition"].startswith(f'attachment; filename="{kept}"')


def test_a_reference_is_kept_and_has_no_file(client, as_security, incident):
    created = client.post(
        url(incident, "/references"),
        json={"reference": "snap-0abc1234def", "label": "EBS snapshot db-1", "description": "taken 10:04"},
        headers=as_security,
    )
    assert created.status_code == 201
    item = created.json()
    assert (item["kind"], item["reference"], item["size"]) == ("reference", "snap-0abc1234def", 0)
    nofile = client.get(url(incident, f"/{item['id']}/download"), headers=as_security)
    assert nofile.status_code == 409
    empty = client.post(url(incident, "/references"), json={"reference": "   "}, headers=as_security)
    assert empty.status_code == 422
    assert "reference" in empty.json()["detail"]


def test_legal_hold_refuses_deletion_until_lifted(client, as_security, incident, locker):
    item = upload(client, as_security, incident).json()
    held = client.put(url(incident, "/hold"), json={"on": True, "note": "counsel asked"}, headers=as_security)
    assert held.status_code == 200
    assert held.json()["held"] is True
    refused = client.delete(url(incident, f"/{item['id']}"), headers=as_security)
    assert refused.status_code == 409
    assert "legal hold" in refused.json()["detail"]
    assert (locker / item["sha256"]).exists()

    assert client.put(url(incident, "/hold"), json={"on": False}, headers=as_security).json()["held"] is False
    deleted = client.delete(
        url(incident, f"/{item['id']}"), params={"note": "duplicate"}, headers=as_security
    )
    assert deleted.status_code == 200
    assert not (locker / item["sha256"]).exists()
    assert client.get(url(incident), headers=as_security).json()["items"] == []
    actions = [e["action"] for e in client.get(url(incident, "/custody"), headers=as_security).json()]
    assert actions == ["added", "hold_on", "hold_off", "deleted"]


def test_evidence_only_on_a_security_incident(client, as_security, as_responder):
    plain = client.post(
        "/api/v1/incidents", json={"title": "Slow search", "severity": "P3"}, headers=as_responder
    )
    refused = client.get(url(plain.json()["id"]), headers=as_security)
    assert refused.status_code == 409
    assert "mark it as one first" in refused.json()["detail"]


ROUTES = [
    ("GET", ""),
    ("POST", "/files"),
    ("POST", "/references"),
    ("GET", "/1/download"),
    ("DELETE", "/1"),
    ("PUT", "/hold"),
    ("GET", "/custody"),
    ("GET", "/verify"),
    ("GET", "/export"),
    ("POST", "/preserve-logs"),
]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RESPONDER])
def test_without_clearance_every_evidence_route_is_404(
    client, tokens, as_security, incident, container, role
):
    upload(client, as_security, incident)
    before = rows(container.engine)
    body, extra = multipart("x.log", b"x")
    for method, rest in ROUTES:
        if rest == "/files":
            answer = client.post(url(incident, rest), content=body, headers={**tokens[role], **extra})
        else:
            payload = (
                {"reference": "snap-1"} if rest == "/references" else {"on": True} if rest == "/hold" else {}
            )
            kwargs = {"json": payload} if method in ("POST", "PUT") else {}
            answer = client.request(method, url(incident, rest), headers=tokens[role], **kwargs)
        acting = (
            method != "GET" and role is Role.VIEWER
        )  # a viewer changes nothing anywhere: one 403 for any incident, which tells nothing
        assert answer.status_code == (403 if acting else 404), (method, rest, answer.text)
        assert "evidence" not in answer.text.lower()
        assert "Suspicious" not in answer.text
    assert rows(container.engine) == before


def test_verify_names_the_first_bad_entry_after_tampering(client, as_security, incident, container):
    item = upload(client, as_security, incident).json()
    for _ in range(3):
        client.get(url(incident, f"/{item['id']}/download"), headers=as_security)
    assert client.get(url(incident, "/verify"), headers=as_security).json() == {
        "ok": True, "entries": 4, "first_bad_entry": None, "bad_files": []
    }  # fmt: skip
    table = evidence_custody
    with container.engine.begin() as conn:
        conn.execute(table.update().where(table.c.seq == 3).values(actor="nobody"))
    bad = client.get(url(incident, "/verify"), headers=as_security).json()
    assert bad["ok"] is False
    assert bad["first_bad_entry"]["seq"] == 3
    assert "edited" in bad["first_bad_entry"]["problem"]


def test_export_is_a_zip_whose_manifest_hashes_match(client, as_security, incident):
    upload(client, as_security, incident, name="auth.log")
    upload(client, as_security, incident, name="../shot.png", content=b"\x89PNG fake screenshot")
    client.post(
        url(incident, "/references"), json={"reference": "https://s3.example/snap/1"}, headers=as_security
    )
    got = client.get(url(incident, "/export"), headers=as_security)
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith(
        f'attachment; filename="incident-{incident}-evidence-'
    )
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    sums = dict(
        reversed(line.split("  ", 1)) for line in archive.read("MANIFEST.sha256").decode().splitlines()
    )
    names = set(archive.namelist()) - {"MANIFEST.sha256"}
    assert set(sums) == names
    for name, digest in sums.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    manifest = json.loads(archive.read("manifest.json"))
    files = [i for i in manifest["items"] if i["kind"] == "file"]
    assert sorted(i["name"] for i in files) == ["auth.log", "shot.png"]
    assert all(sums[i["path"]] == i["sha256"] for i in files)
    assert manifest["custody"]["verified"] is True
    custody = json.loads(archive.read("custody.json"))
    assert custody[-1]["action"] == "exported"
    assert manifest["custody"]["head"] == custody[-1]["hash"]
