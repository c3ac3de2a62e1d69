"""Scheduled maintenance reaches email subscribers, end to end with a real SMTP server: the
announcement and every later update, each with the window, a details link and the unsubscribe
link; only to confirmed subscribers who want one of its public components."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.paging_plan import drain
from tocsin.services.statuspage import subscribers

WINDOW = {
    "name": "Payment provider migration",
    "message": "We will migrate to a new payment provider.",
    "scheduled_for": "2026-11-28T22:00:00Z",
    "scheduled_until": "2026-11-28T23:30:00+00:00",
    "components": ["payments", "db_primary"],
}
PAGE = "https://status.koprogo.com/"


def _content(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def _token(message, path: str) -> str:
    match = re.search(rf"{re.escape(PAGE)}{path}\?token=([\w-]+)", _content(message))
    assert match, _content(message)
    return match.group(1)


def _subscribe(client, container, sink, address: str, components=(), *, confirm: bool = True) -> None:
    data = {"email": address, "component": list(components)}
    assert client.post("/status/subscribe", data=data).status_code == 200
    drain(container)
    confirmation = next(m for m in reversed(sink.messages) if str(m["To"]) == address)
    if confirm:
        token = _token(confirmation, "subscribe/confirm")
        assert client.post("/status/subscribe/confirm", data={"token": token}).status_code == 200


def _inbox(sink, address: str):
    return [m for m in sink.messages if str(m["To"]) == address and "Maintenance" in str(m["Subject"])]


def _advance(client, headers, maintenance_id: str, status: str, message: str) -> None:
    response = client.post(
        f"/api/v1/maintenances/{maintenance_id}/updates",
        json={"status": status, "message": message},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def test_subscribers_are_told_of_the_window_and_every_update(client, container, clock, sink, as_responder):
    _subscribe(client, container, sink, "all@example.org")
    _subscribe(client, container, sink, "pay@example.org", ["payments"])
    _subscribe(client, container, sink, "login@example.org", ["login"])
    _subscribe(client, container, sink, "pending@example.org", confirm=False)

    response = client.post("/api/v1/maintenances", json=WINDOW, headers=as_responder)
    assert response.status_code == 201, response.text
    maintenance_id = response.json()["id"]
    drain(container)
    [announced] = _inbox(sink, "all@example.org")
    assert str(announced["Subject"]) == "[KoproGo Status] Maintenance: Payment provider migration"
    body = _content(announced)
    assert (
        "🗓️ **Scheduled** - We will migrate to a new payment provider.\n"
        "Posted: 2026-11-27 10:00 UTC\n\n"
        "Scheduled: 2026-11-28 22:00 – 2026-11-28 23:30 UTC\n"
        "Affects: Payments\n"
        f"Details: {PAGE}#maintenance-{maintenance_id}\n"
    ) in body
    assert f"Unsubscribe: {PAGE}unsubscribe?token=" in body
    assert "primary" not in body  # neither db_primary nor db-primary.internal
    assert len(_inbox(sink, "pay@example.org")) == 1
    assert _inbox(sink, "login@example.org") == []
    assert _inbox(sink, "pending@example.org") == []

    clock.advance(timedelta(hours=36))  # 2026-11-28 22:00
    _advance(client, as_responder, maintenance_id, "in_progress", "Under way.")
    drain(container)
    assert "🔧 **In progress** - Under way.\nPosted: 2026-11-28 22:00 UTC" in _content(
        _inbox(sink, "pay@example.org")[-1]
    )
    # The unsubscribe link of a maintenance mail works: no more mail to that address.
    unsubscribe = _token(_inbox(sink, "all@example.org")[-1], "unsubscribe")
    assert client.post("/status/unsubscribe", data={"token": unsubscribe}).status_code == 200

    clock.advance(timedelta(hours=1))
    _advance(client, as_responder, maintenance_id, "completed", "All done.")
    drain(container)
    assert len(_inbox(sink, "all@example.org")) == 2
    [*_, completed] = _inbox(sink, "pay@example.org")
    assert "🟢 **Completed** - All done.\nPosted: 2026-11-28 23:00 UTC" in _content(completed)
    assert f"Details: {PAGE}history#maintenance-{maintenance_id}\n" in _content(completed)
    assert f"Unsubscribe: {PAGE}unsubscribe?token=" in _content(completed)
    assert len(_inbox(sink, "pay@example.org")) == 3
    assert _inbox(sink, "login@example.org") == []
    assert _inbox(sink, "pending@example.org") == []


def test_queuing_the_same_update_twice_mails_once(client, container, sink, as_responder):
    _subscribe(client, container, sink, "all@example.org")
    response = client.post("/api/v1/maintenances", json=WINDOW, headers=as_responder)
    maintenance_id = response.json()["id"]
    drain(container)
    assert len(_inbox(sink, "all@example.org")) == 1
    services = container.services
    with services.uow() as uow:
        maintenance = uow.statuspage.get_maintenance(maintenance_id)
        assert maintenance is not None
        subscribers.notify_maintenance(services, uow, maintenance)
        uow.commit()
    drain(container)
    assert len(_inbox(sink, "all@example.org")) == 1


def test_a_maintenance_of_internal_components_only_reaches_whole_page_subscribers(
    client, container, sink, as_responder
):
    _subscribe(client, container, sink, "all@example.org")
    _subscribe(client, container, sink, "pay@example.org", ["payments"])
    internal = {**WINDOW, "name": "Database failover drill", "components": ["db_primary"]}
    assert client.post("/api/v1/maintenances", json=internal, headers=as_responder).status_code == 201
    drain(container)
    [mail] = _inbox(sink, "all@example.org")
    assert "Affects" not in _content(mail)
    assert "primary" not in _content(mail)  # neither db_primary nor db-primary.internal
    assert _inbox(sink, "pay@example.org") == []
