"""Art. 34: the high-risk breach's message, prefilled from the record, goes by email to the
uploaded CSV of affected addresses in batches (durable jobs), each address with its delivery
state, through a real SMTP server; a bad CSV is a 422 naming the line and adds nothing."""

from __future__ import annotations

import pytest

from tests.paging_plan import drain, plan
from tests.smtp_sink import smtp_settings
from tests.web.api.test_breaches import API, ASSESSMENT, security_incident
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.worker.runner import Worker


@pytest.fixture
def settings(db_url, sink):
    values = plan(db_url, email=smtp_settings(sink, "privacy@koprogo.com"))
    values["gdpr"] = {"dpo": "ines"}
    values["security"] = {"breach": {"controller": "Koprogo SRL", "batch_size": 2}}
    return Settings.model_validate(values)


@pytest.fixture
def security(tokens):
    return tokens[Role.SECURITY]


def csv_upload(client, iid, text, headers):
    return client.post(
        f"{API}/{iid}/breach/communication/recipients",
        content=text.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )


def test_high_risk_mails_go_out_in_batches_with_a_state_per_address(client, container, sink, security):
    iid = security_incident(container)
    client.post(f"{API}/{iid}/breach", json=ASSESSMENT, headers=security)
    drain(container)  # the P0's own pages
    paged = len(sink.messages)
    draft = client.get(f"{API}/{iid}/breach/communication", headers=security).json()
    assert draft["drafted"] is False
    assert draft["can_send"] is True
    assert "Phishing aimed at the customers" in draft["body"]  # consequences
    assert "Passwords reset" in draft["body"]  # measures
    assert "Inès Moreau, ines@example.org" in draft["body"]  # the DPO's contact
    saved = client.put(
        f"{API}/{iid}/breach/communication",
        json={
            "subject": "Your Koprogo account: security incident",
            "body": draft["body"] + "\nThe Koprogo team",
        },
        headers=security,
    )
    assert saved.json()["drafted"] is True

    bad = csv_upload(client, iid, "name,email\nAnn,ann@example.org\nBob,bob at example.org\n", security)
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("csv line 3: not an email address")
    missing = csv_upload(client, iid, "name,address\nAnn,ann@example.org\n", security)
    assert missing.status_code == 422
    assert "csv line 1: no email column" in missing.json()["detail"]
    assert client.get(f"{API}/{iid}/breach/communication", headers=security).json()["summary"]["total"] == 0

    people = ["ann@example.org", "bob@example.org", "cleo@example.org", "dan@example.org", "eve@example.org"]
    text = (
        "Name;Email\n"
        + "".join(f"{p.split('@')[0].title()};{p}\n" for p in people)
        + "Ann again;ANN@example.org\n"
    )
    uploaded = csv_upload(client, iid, text, security)
    assert uploaded.status_code == 200, uploaded.text
    assert (uploaded.json()["in_file"], uploaded.json()["added"]) == (5, 5)
    assert client.post(f"{API}/{iid}/breach/communication/send", headers=security).json() == {
        "pending": 5,
        "sent": 0,
        "failed": 0,
        "total": 5,
    }
    sink.stop()  # the mail server is down for the first batch
    worker = Worker(container)
    worker._settings = worker._settings.model_copy(update={"batch_size": 1})
    worker.run_once()  # one batch of two: both fail
    sink.start()
    drain(container)
    after = client.get(f"{API}/{iid}/breach/communication", headers=security).json()
    assert after["summary"] == {"pending": 0, "sent": 3, "failed": 2, "total": 5}
    states = {r["email"]: r["state"] for r in after["recipients"]}
    assert states == {
        "ann@example.org": "failed",
        "bob@example.org": "failed",
        "cleo@example.org": "sent",
        "dan@example.org": "sent",
        "eve@example.org": "sent",
    }
    failed = client.get(f"{API}/{iid}/breach/communication?state=failed", headers=security).json()
    assert [(r["email"], r["line"], bool(r["error"])) for r in failed["recipients"]] == [
        ("ann@example.org", 2, True),
        ("bob@example.org", 3, True),
    ]
    second = client.get(f"{API}/{iid}/breach/communication?state=sent&limit=1&offset=1", headers=security)
    assert [r["email"] for r in second.json()["recipients"]] == ["dan@example.org"]
    mails = sink.messages[paged:]
    assert sorted(str(m["To"]) for m in mails) == ["cleo@example.org", "dan@example.org", "eve@example.org"]
    mail = mails[0]
    assert mail["Subject"] == "Your Koprogo account: security incident"
    assert str(mail["From"]) == "Koprogo SRL <privacy@koprogo.com>"

    retried = client.post(
        f"{API}/{iid}/breach/communication/send", json={"retry_failed": True}, headers=security
    )
    assert retried.json()["pending"] == 2
    again = client.get(f"{API}/{iid}/breach/communication?state=pending", headers=security).json()
    assert [(r["email"], bool(r["error"])) for r in again["recipients"]] == [  # last reason still shown
        ("ann@example.org", True),
        ("bob@example.org", True),
    ]
    drain(container)
    done = client.get(f"{API}/{iid}/breach/communication?state=sent", headers=security).json()
    assert done["summary"] == {"pending": 0, "sent": 5, "failed": 0, "total": 5}
    assert len(sink.messages) == paged + 5
    texts = [e["text"] for e in client.get(f"{API}/{iid}/timeline", headers=security).json()]
    assert "Art. 34 communication to data subjects: 5 mail(s) queued in 3 batch(es)" in texts
    assert "Art. 34 communication done: 3 sent, 2 failed" in texts
    assert "Art. 34 communication done: 5 sent, 0 failed" in texts
    pages = client.get(f"{API}/{iid}/pages", headers=security).json()
    assert pages  # the P0's own pages, and none of the Art. 34 mails
    assert not {p["person"] for p in pages} & set(people)


def test_the_communication_is_for_a_high_risk(client, container, security):
    iid = security_incident(container)
    client.post(f"{API}/{iid}/breach", json={**ASSESSMENT, "risk": "risk"}, headers=security)
    answer = csv_upload(client, iid, "email\nann@example.org\n", security)
    assert answer.status_code == 409
    assert "record risk=high first" in answer.json()["detail"]
