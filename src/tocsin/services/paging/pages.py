"""Delivery tracking: who has been told about an incident, through what, and where each page
stands (pending until its rule's delay, sent, delivered, failed, answered, not answered, or
skipped once the incident was acknowledged). A read model over the deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.incident import IncidentId
from tocsin.services.paging.context import PagingContext
from tocsin.services.paging.ports import Delivery

REACHED = frozenset({"sent", "delivered", "answered"})


@dataclass(frozen=True, slots=True)
class PageRow:
    """One delivery: batch (the event it is about), person, method, state and times."""

    batch: int
    person: str
    name: str
    channel: str
    purpose: str
    trigger: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    status_at: datetime | None

    @property
    def reached(self) -> bool:
        return self.status in REACHED


@dataclass(frozen=True, slots=True)
class Told:
    """Per person at a glance: reached (by which methods) or not yet, and the rows."""

    person: str
    name: str
    reached_by: tuple[str, ...]
    rows: tuple[PageRow, ...]


def _row(svc: PagingContext, delivery: Delivery) -> PageRow:
    parts = delivery.key.split(":")
    batch = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    person = svc.paging.directory.people.get(delivery.recipient)
    return PageRow(
        batch=batch,
        person=delivery.recipient,
        name=person.name if person is not None else delivery.recipient,
        channel=delivery.channel,
        purpose=delivery.purpose,
        trigger=delivery.trigger,
        status=delivery.status,
        due_at=delivery.due_at or delivery.created_at,
        sent_at=delivery.sent_at,
        status_at=delivery.status_at,
    )


def list_pages(svc: PagingContext, incident_id: IncidentId, *, by: Actor) -> list[PageRow]:
    """Every delivery to a person about the incident (webhooks aside), by batch then due time.
    A restricted incident needs clearance (``NotFound`` without)."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        found = [d for d in uow.deliveries.list(incident_id) if d.channel != "webhook"]
    rows = [_row(svc, d) for d in found]
    return sorted(rows, key=lambda r: (r.batch, r.due_at, r.person, r.channel))


def who_has_been_told(rows: list[PageRow]) -> list[Told]:
    """The people paged, each once, with the methods that reached them (pages only)."""
    people: dict[str, list[PageRow]] = {}
    for row in rows:
        if row.purpose == "page":
            people.setdefault(row.person, []).append(row)
    return [
        Told(
            person=person,
            name=mine[0].name,
            reached_by=tuple(dict.fromkeys(r.channel for r in mine if r.reached)),
            rows=tuple(mine),
        )
        for person, mine in people.items()
    ]
