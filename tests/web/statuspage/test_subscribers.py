"""Subscribers end to end with a real SMTP server on 127.0.0.1: subscribe, confirm, receive an
update (with its unsubscribe link), unsubscribe, receive nothing more."""

from __future__ import annotations

import contextlib
import re
import threading
from datetime import timedelta

import pytest

from tests.paging_plan import drain


def _token(message, path):
    match = re.search(rf"https://status\.koprogo\.com/{path}\?token=([\w-]+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def _post_update(client, headers, incident_id, status, message, components=None):
    body = {"status": status, "message": message}
    if components:
        body["components"] = components
    response = client.post(f"/api/v1/incidents/{incident_id}/status-updates", json=body, headers=headers)
    assert response.status_code == 201, response.text


def test_subscribe_confirm_receive_unsubscribe(client, container, clock, sink, as_responder):
    page = client.post("/status/subscribe", data={"email": "Reader@Example.ORG"})
    assert page.status_code == 200
    assert "Check your inbox" in page.text
    assert "Updated ." not in page.text  # a page with no revision says nothing of one
    drain(container)
    [confirmation] = sink.messages
    assert str(confirmation["To"]) == "Reader@example.org"
    token = _token(confirmation, "subscribe/confirm")
    assert "Confirm" in client.get(f"/status/subscribe/confirm?token={token}").text  # a GET confirms nothing
    incident_id = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "P1"}, headers=as_responder
    ).json()["id"]
    _post_update(client, as_responder, incident_id, "investigating", "Before confirming.", ["login"])
    drain(container)
    assert len(sink.messages) == 1
    assert client.post("/status/subscribe/confirm", data={"token": token}).status_code == 200
    clock.advance(timedelta(minutes=5))
    _post_update(client, as_responder, incident_id, "identified", "The issue has been identified.")
    drain(container)
    update = sink.messages[-1]
    assert (
        "🟡 **Identified** - The issue has been identified.\nPosted: 2026-11-27 10:05 UTC"
        in update.get_content().replace("\r\n", "\n")
    )
    unsubscribe = _token(update, "unsubscribe")
    assert client.post("/status/unsubscribe", data={"token": unsubscribe}).status_code == 200
    _post_update(client, as_responder, incident_id, "resolved", "Fixed.")
    drain(container)
    assert len(sink.messages) == 2


def test_per_component_subscription(client, container, sink, as_responder):
    client.post("/status/subscribe", data={"email": "pay@example.org", "component": ["payments"]})
    drain(container)
    client.post("/status/subscribe/confirm", data={"token": _token(sink.messages[0], "subscribe/confirm")})
    incident_id = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "P1"}, headers=as_responder
    ).json()["id"]
    _post_update(client, as_responder, incident_id, "investigating", "Login is down.", ["login"])
    drain(container)
    assert len(sink.messages) == 1
    other = client.post(
        "/api/v1/incidents", json={"title": "y", "severity": "P1"}, headers=as_responder
    ).json()["id"]
    _post_update(client, as_responder, other, "investigating", "Payments are down.", ["payments"])
    drain(container)
    assert len(sink.messages) == 2
    assert "Payments are down." in sink.messages[-1].get_content()


@pytest.mark.parametrize(
    "address", ["not-an-address", "a@b", "x@example.org\r\nBcc: all@example.org", "a" * 250 + "@x.io"]
)
def test_invalid_addresses_are_refused(client, container, sink, address):
    assert client.post("/status/subscribe", data={"email": address}).status_code == 422
    drain(container)
    assert sink.messages == []


def test_the_subscribe_form_is_rate_limited(client):
    codes = [
        client.post("/status/subscribe", data={"email": f"u{i}@example.org"}).status_code for i in range(7)
    ]
    assert codes == [200] * 5 + [429, 429]


def test_bad_links(client):
    assert client.post("/status/subscribe/confirm", data={"token": "nope"}).status_code == 404
    assert client.post("/status/unsubscribe", data={"token": ""}).status_code == 404


def test_a_double_click_on_subscribe_is_one_subscription(client, container, sink, monkeypatch):
    """Two requests for one new address at once: both read "not subscribed" before either
    writes (forced here); one records it and mails, the other answers the same, no error."""
    from tocsin.adapters.db.status_mail import SqlStatusMailRows

    both_read = threading.Barrier(2)
    real = SqlStatusMailRows.subscriber_by_email

    def read_then_meet(self, email):
        found = real(self, email)
        with contextlib.suppress(threading.BrokenBarrierError):  # SQLite: the writers queue instead
            both_read.wait(timeout=2)
        return found

    monkeypatch.setattr(SqlStatusMailRows, "subscriber_by_email", read_then_meet)
    answers = []

    def click():
        answers.append(client.post("/status/subscribe", data={"email": "reader@example.org"}).status_code)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    drain(container)

    assert answers == [200, 200]  # not a 500 for the one that lost the race
    mails = [m for m in sink.messages if "Confirm your subscription" in m["Subject"]]
    assert 1 <= len(mails) <= 2  # PostgreSQL: the loser sends none; SQLite: it re-sends, as for a pending one
    # Deliveries go concurrently, so the mail carrying the newest token may arrive first.
    confirmed = [
        client.post("/status/subscribe/confirm", data={"token": _token(mail, "subscribe/confirm")})
        for mail in mails
    ]
    assert 200 in [answer.status_code for answer in confirmed]
