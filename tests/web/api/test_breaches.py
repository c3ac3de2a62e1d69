"""The GDPR breach API: a breach declared at T shows "notify CNIL by T+72h", the notification
dossier carries every Art. 33(3) item, the register lists notified and unnotified breaches with
their rationale, bad input is a 422 naming the field, and only the security role sees any of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.paging_plan import plan
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents

SAM = Actor("sam", Role.SECURITY)
API = "/api/v1/incidents"

ASSESSMENT = {
    "personal_data": True,
    "data_categories": ["email addresses", "password hashes"],
    "subject_categories": ["customers"],
    "subjects_approx": 1200,
    "records_approx": 5400,
    "consequences": "Phishing aimed at the customers; offline cracking of weak passwords.",
    "measures": "Passwords reset, the leaked API key revoked, WAF rule on the export endpoint.",
    "risk": "high",
    "risk_rationale": "Password hashes with email addresses: account takeover is likely.",
}


@pytest.fixture
def settings(db_url):
    values = plan(db_url)
    values["gdpr"] = {"dpo": "ines"}
    values["security"] = {"breach": {"controller": "Koprogo SRL"}}
    return Settings.model_validate(values)


@pytest.fixture
def security(tokens):
    return tokens[Role.SECURITY]


def security_incident(container, title="Customer table dumped"):
    svc = container.services
    incident = incidents.declare_incident(svc, title=title, severity=Severity.P0, by=SAM)
    flags.mark_security_incident(svc, incident.id, reason="dump on a forum", by=SAM)
    return incident.id


def test_a_breach_declared_at_t_must_be_notified_by_t_plus_72h(client, container, clock, security):
    iid = security_incident(container)
    answer = client.post(f"{API}/{iid}/breach", json=ASSESSMENT, headers=security)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["aware_at"] == "2026-11-27T10:00:00Z"
    assert body["notify_by"] == "2026-11-30T10:00:00Z"
    assert (body["state"], body["authority"]) == ("notification_due", "CNIL")
    assert body["dpo"] == {"name": "Inès Moreau", "email": "ines@example.org"}
    incident = client.get(f"{API}/{iid}", headers=security).json()
    assert incident["breach"] == {
        "aware_at": "2026-11-27T10:00:00Z",
        "notify_by": "2026-11-30T10:00:00Z",
        "state": "notification_due",
        "authority": "CNIL",
    }
    listed = client.get(API, headers=security).json()["items"]
    assert [i["breach"]["state"] for i in listed if i["id"] == iid] == ["notification_due"]

    clock.advance(timedelta(hours=72))
    assert client.get(f"{API}/{iid}/breach", headers=security).json()["state"] == "notification_due"
    clock.advance(timedelta(seconds=1))
    assert client.get(f"{API}/{iid}/breach", headers=security).json()["state"] == "overdue"
    late = client.post(
        f"{API}/{iid}/breach/notifications",
        json={"method": "online_form", "reference": "CNIL-2026-0042"},
        headers=security,
    )
    assert late.status_code == 422
    assert "delay_reasons" in late.json()["detail"]
    assert "Art. 33(1)" in late.json()["detail"]
    notified = client.post(
        f"{API}/{iid}/breach/notifications",
        json={
            "method": "online_form",
            "reference": "CNIL-2026-0042",
            "delay_reasons": "The dump was only confirmed authentic by the forensics team on day 3.",
        },
        headers=security,
    )
    assert notified.status_code == 201, notified.text
    assert (notified.json()["state"], notified.json()["late"]) == ("notified", True)
    follow_up = client.post(
        f"{API}/{iid}/breach/notifications",
        json={
            "kind": "follow_up",
            "method": "email",
            "reference": "CNIL-2026-0042/2",
            "note": "final numbers",
        },
        headers=security,
    )
    assert [n["kind"] for n in follow_up.json()["notifications"]] == ["initial", "follow_up"]
    texts = [e["text"] for e in client.get(f"{API}/{iid}/timeline", headers=security).json()]
    assert any(
        t.startswith("Personal-data breach recorded: high risk; notify CNIL by 2026-11-30 10:00 UTC")
        for t in texts
    )
    assert any(t.startswith("Notified CNIL (online form)") and "ref CNIL-2026-0042" in t for t in texts)


def test_the_dossier_carries_every_article_33_3_item(client, container, clock, security):
    iid = security_incident(container)
    client.post(f"{API}/{iid}/breach", json=ASSESSMENT, headers=security)
    incidents.add_note(
        container.services, iid, "Export endpoint blocked at the WAF", kind=NoteKind.MITIGATION, by=SAM
    )
    clock.advance(timedelta(hours=80))
    client.post(
        f"{API}/{iid}/breach/notifications",
        json={"method": "letter", "reference": "R-7", "delay_reasons": "Forensics took three days."},
        headers=security,
    )
    md = client.get(f"{API}/{iid}/breach/dossier.md", headers=security)
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    text = md.text
    for item in [
        "(a) Nature of the personal data breach (Art. 33(3)(a))",
        "**Categories of data subjects**: customers",
        "**Approximate number of data subjects**: approximately 1 200",
        "**Categories of personal data records**: email addresses, password hashes",
        "**Approximate number of personal data records**: approximately 5 400",
        "(b) Data protection officer (Art. 33(3)(b))",
        "Inès Moreau — ines@example.org",
        "(c) Likely consequences of the breach (Art. 33(3)(c))",
        "Phishing aimed at the customers",
        "(d) Measures taken or proposed, including mitigation (Art. 33(3)(d))",
        "Passwords reset",
        "Export endpoint blocked at the WAF",
        "**Controller became aware**: 2026-11-27 10:00 UTC",
        "Commission nationale de l'informatique et des libertés (CNIL)",
        "**Reasons for the delay** (Art. 33(1)): Forensics took three days.",
        "Initial notification: 2026-11-30 18:00 UTC to CNIL by letter, ref R-7",
        "Controller: Koprogo SRL",
    ]:
        assert item in text, item
    html = client.get(f"{API}/{iid}/breach/dossier.html", headers=security)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "<h2>(b) Data protection officer (Art. 33(3)(b))</h2>" in html.text
    assert "<script" not in html.text


def test_the_register_lists_notified_and_unnotified_breaches_with_their_rationale(
    client, container, security
):
    notified = security_incident(container, "Laptop stolen")
    client.post(f"{API}/{notified}/breach", json=ASSESSMENT, headers=security)
    client.post(
        f"{API}/{notified}/breach/notifications",
        json={"method": "online_form", "reference": "C-1"},
        headers=security,
    )
    quiet = security_incident(container, "Encrypted backup lost")
    unnotified = {
        **ASSESSMENT,
        "risk": "none",
        "risk_rationale": "The backup is encrypted (AES-256), key not lost.",
    }
    client.post(f"{API}/{quiet}/breach", json=unnotified, headers=security)

    register = client.get("/api/v1/breaches", headers=security).json()
    assert {(b["incident_id"], b["state"]) for b in register} == {
        (notified, "notified"),
        (quiet, "not_required"),
    }
    answer = client.get("/api/v1/breaches.csv", headers=security)
    assert answer.headers["content-type"].startswith("text/csv")
    assert client.get("/api/v1/breaches?format=csv", headers=security).text == answer.text
    rows = {r["incident"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    assert rows[str(quiet)]["rationale"] == "The backup is encrypted (AES-256), key not lost."
    assert (rows[str(quiet)]["state"], rows[str(quiet)]["notified_at"]) == ("not_required", "")
    assert (rows[str(notified)]["reference"], rows[str(notified)]["authority"]) == ("C-1", "CNIL")
    assert rows[str(notified)]["measures"].startswith("Passwords reset")


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, container, clock, security):
    iid = security_incident(container)
    future = client.post(
        f"{API}/{iid}/breach", json={**ASSESSMENT, "aware_at": "2026-11-27T11:00:00Z"}, headers=security
    )
    assert future.status_code == 422
    assert future.json()["detail"].startswith("aware_at:")
    risk = client.post(f"{API}/{iid}/breach", json={**ASSESSMENT, "risk": "severe"}, headers=security)
    assert risk.status_code == 422
    assert [e["field"] for e in risk.json()["errors"]] == ["risk"]
    naive = client.post(
        f"{API}/{iid}/breach", json={**ASSESSMENT, "aware_at": "2026-11-27T09:00:00"}, headers=security
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "aware_at"
    assert client.get(f"{API}/{iid}/breach", headers=security).status_code == 404
    assert client.get("/api/v1/breaches", headers=security).json() == []


def test_a_breach_needs_a_security_incident(client, container, security):
    plain = incidents.declare_incident(container.services, title="API down", severity=Severity.P1, by=SAM)
    answer = client.post(f"{API}/{plain.id}/breach", json=ASSESSMENT, headers=security)
    assert answer.status_code == 409
    assert "not a security incident: mark it as one first" in answer.json()["detail"]


def test_viewers_and_responders_get_404_on_every_breach_route(client, container, tokens, security):
    iid = security_incident(container)
    assert client.post(f"{API}/{iid}/breach", json=ASSESSMENT, headers=security).status_code == 201
    routes = [
        ("post", f"{API}/{iid}/breach", {"json": ASSESSMENT}),
        ("get", f"{API}/{iid}/breach", {}),
        ("post", f"{API}/{iid}/breach/notifications", {"json": {"method": "email"}}),
        ("get", f"{API}/{iid}/breach/dossier.md", {}),
        ("get", f"{API}/{iid}/breach/dossier.html", {}),
        ("get", "/api/v1/breaches", {}),
        ("get", "/api/v1/breaches.csv", {}),
        ("get", "/api/v1/breaches?format=csv", {}),
        ("get", f"{API}/{iid}/breach/communication", {}),
        ("put", f"{API}/{iid}/breach/communication", {"json": {"subject": "s", "body": "b"}}),
        ("post", f"{API}/{iid}/breach/communication/recipients", {"content": b"email\na@example.org\n"}),
        ("post", f"{API}/{iid}/breach/communication/send", {}),
    ]
    for role in (Role.VIEWER, Role.RESPONDER):
        for method, url, kwargs in routes:
            answer = getattr(client, method)(url, headers=tokens[role], **kwargs)
            # a viewer changes nothing anywhere: the same 403 for any incident, which tells nothing
            expected = 403 if role is Role.VIEWER and method != "get" else 404
            assert answer.status_code == expected, (role, method, url, answer.text)
            assert "breach" not in answer.text.lower() or url.endswith("/breaches"), answer.text
    for role in (Role.SECURITY, Role.ADMIN):
        assert client.get(f"{API}/{iid}/breach", headers=tokens[role]).status_code == 200
    assert client.get(f"{API}/{iid}", headers=tokens[Role.RESPONDER]).json().get("breach") is None
    assert client.get(f"{API}/{iid}/breach/notifications", headers=security).status_code == 405
