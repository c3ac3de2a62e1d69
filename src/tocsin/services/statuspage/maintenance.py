"""Scheduled maintenance use cases: schedule one, post its updates (moving it forward)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tocsin.domain import maintenance as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.maintenance import Maintenance, MaintenanceStatus
from tocsin.services.context import Services
from tocsin.services.statuspage import export, subscribers
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.statuspage import new_public_id


def _known(svc: StatusPageContext, components: Sequence[str]) -> list[str]:
    known = [c.key for c in svc.statuspage.components]
    for key in components:
        if key not in known:
            listed = ", ".join(known) or "none"
            raise InvalidInput(f"components: unknown component {key!r} (configured: {listed})")
    return list(dict.fromkeys(components))


def _utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"{field}: needs a timezone (e.g. 2026-12-01T22:00:00Z)")
    return value.astimezone(UTC)


def schedule(
    svc: StatusPageContext,
    *,
    name: str,
    message: str,
    scheduled_for: datetime,
    scheduled_until: datetime,
    components: Sequence[str] = (),
    by: Actor,
) -> Maintenance:
    by.require(Role.RESPONDER, "scheduling maintenance")
    keys = _known(svc, components)
    created = domain.schedule(
        new_public_id(),
        new_public_id(),
        name=name,
        body=message,
        scheduled_for=_utc(scheduled_for, "scheduled_for"),
        scheduled_until=_utc(scheduled_until, "scheduled_until"),
        components=keys,
        at=svc.clock.now(),
    )
    with svc.uow() as uow:
        uow.statuspage.save_maintenance(created)
        subscribers.notify_maintenance_webhooks(svc, uow, created)
        subscribers.notify_maintenance(svc, uow, created)
        export.public_changed(svc, uow)
        uow.commit()
    return created


def post_update(
    svc: StatusPageContext, maintenance_id: str, *, status: MaintenanceStatus, message: str, by: Actor
) -> Maintenance:
    by.require(Role.RESPONDER, "updating maintenance")
    with svc.uow() as uow:
        current = uow.statuspage.get_maintenance(maintenance_id, for_update=True)
        if current is None:
            raise NotFound(f"maintenance {maintenance_id} not found")
        updated = domain.advance(current, new_public_id(), status=status, body=message, at=svc.clock.now())
        uow.statuspage.save_maintenance(updated)
        subscribers.notify_maintenance_webhooks(svc, uow, updated)
        subscribers.notify_maintenance(svc, uow, updated)
        export.public_changed(svc, uow)
        uow.commit()
    return updated


def listing(svc: Services, *, limit: int = 50) -> Sequence[Maintenance]:
    with svc.read() as uow:
        return uow.statuspage.list_maintenances(limit=limit)
