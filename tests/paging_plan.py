"""A staffed plan for escalation and notification tests: the demo's people, roles, team and a
Brussels SRE rotation whose week starting Monday 23 November 2026 09:00 belongs to Sofia."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tocsin.domain.notification import Notification
from tocsin.worker.runner import Worker

PEOPLE = {
    "camille": "Camille Martin",
    "david": "David Peeters",
    "sofia": "Sofia Lambert",
    "theo": "Théo Dubois",
    "nora": "Nora Janssens",
    "hugo": "Hugo Leroy",
    "ines": "Inès Moreau",
}


def email(person: str) -> str:
    return f"{person}@example.org"


def plan(db_url: str, **notifications: Any) -> dict[str, Any]:
    return {
        "database": {"url": db_url},
        "worker": {"max_attempts": 5},
        "people": {ident: {"name": name, "email": email(ident)} for ident, name in PEOPLE.items()},
        "roles": {"lead_engineer": {"members": ["camille"]}, "cto": {"members": ["david"]}},
        "teams": {"dev": {"members": ["hugo", "ines"]}},
        "schedules": {
            "sre_oncall": {
                "timezone": "Europe/Brussels",
                "starts_on": "2026-11-23",
                "participants": ["sofia", "theo", "nora"],
            }
        },
        "notifications": notifications,
    }


class Recorder:
    """A channel twin that keeps what it was asked to send."""

    def __init__(self, name: str = "email") -> None:
        self.name = name
        self.sent: list[Notification] = []

    def send(self, notification: Notification, key: str) -> str:
        assert key == notification.key
        self.sent.append(notification)
        return f"recorded:{len(self.sent)}"

    def pages(self) -> list[tuple[int, str]]:
        return [(n.incident_id, n.recipient) for n in self.sent if n.purpose.value == "page"]


def with_recorder(services: Any, recorder: Recorder) -> Any:
    paging = replace(services.paging, channels={recorder.name: recorder}, person_channels=(recorder.name,))
    return replace(services, paging=paging)


def drain(container: Any, services: Any = None, limit: int = 50) -> int:
    """Run due jobs until none is left; returns how many ran."""
    worker = Worker(container)
    if services is not None:
        worker._services = services
    ran = 0
    for _ in range(limit):
        claimed = worker.run_once()
        if not claimed:
            return ran
        ran += claimed
    raise AssertionError("the queue never drained")


def texting(config: dict[str, Any], person: str = "sofia", number: str = "+32470000003") -> dict[str, Any]:
    """``config`` with ``person`` reachable by a verified SMS number paged at once."""
    config["people"][person] |= {
        "contact": {"sms": number, "verified": True},
        "rules": [{"channel": "sms", "after": "0m"}],
    }
    return config
