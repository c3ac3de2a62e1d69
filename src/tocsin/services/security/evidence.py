"""The evidence locker of a security incident: add files and references, look at them, hold,
delete, verify the custody log, export. Each use case is for the ``security`` role (and
admins), on a security incident only; every act is a custody entry written in the same
transaction as the change it records.

Files are written outside the transaction (they are too big for it): an upload is staged as a
temporary file in the locker's directory, moved to its content address just before the commit
and removed again if the commit fails; a deleted item's file is removed after the commit,
unless another live item keeps the same content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from tocsin.domain import evidence as domain
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict, InvalidInput, NotFound
from tocsin.domain.evidence import Action, Entry, Item, Kind
from tocsin.domain.evidence_manifest import documents, file_path
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork
from tocsin.services.security.context import SecurityContext
from tocsin.services.security.evidence_ports import Locker, Staged


@dataclass(frozen=True, slots=True)
class LockerView:
    items: Sequence[Item]
    held: bool
    entries: int
    broken: domain.Break | None = None
    """The custody chain's first bad entry (files are checked by ``verify`` only: it reads them)."""


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int
    broken: domain.Break | None
    bad_files: Sequence[str]
    """Items whose stored file is missing or no longer matches its SHA-256."""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.bad_files


def locker_of(svc: SecurityContext) -> Locker:
    if svc.evidence is None:
        raise Conflict("the evidence locker is not configured (security.evidence.dir)")
    return svc.evidence


def cleared_incident(
    uow: UnitOfWork, incident_id: IncidentId, by: Actor, action: str, *, lock: bool
) -> Incident:
    incident = uow.incidents.get(incident_id, for_update=lock)
    restriction.require_clearance(by, incident)
    by.require(Role.SECURITY, action)
    if not incident.security:
        raise Conflict(
            f"incident {incident.id} is not a security incident: mark it as one first"
            " (the evidence locker is part of the security procedure)"
        )
    return incident


def check(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> None:
    """Refuse early (before an upload is read) what ``add_file`` would refuse."""
    locker_of(svc)
    with svc.read() as uow:
        cleared_incident(uow, incident_id, by, "adding evidence", lock=False)


def _record(
    svc: Services,
    uow: UnitOfWork,
    incident: Incident,
    action: Action,
    by: Actor,
    *,
    item: Item | None = None,
    note: str = "",
) -> Entry:
    log = uow.evidence.entries(incident.id)
    entry = domain.append(
        log, incident_id=incident.id, at=svc.clock.now(), actor=by.name, action=action, item=item, note=note
    )
    uow.evidence.append(entry)
    return entry


def view(svc: Services, incident_id: IncidentId, *, by: Actor) -> LockerView:
    with svc.read() as uow:
        cleared_incident(uow, incident_id, by, "reading evidence", lock=False)
        entries = uow.evidence.entries(incident_id)
        items = uow.evidence.items(incident_id)
        return LockerView(items, domain.held(entries), len(entries), domain.verify(entries))


def add_file(
    svc: SecurityContext,
    incident_id: IncidentId,
    staged: Staged,
    *,
    name: str,
    media_type: str = "",
    description: str = "",
    action: Action = Action.ADDED,
    by: Actor,
) -> Item:
    """Keep a staged upload as an item (its temporary file is removed whatever happens)."""
    locker = locker_of(svc)
    created = False
    try:
        with svc.uow() as uow:
            incident = cleared_incident(uow, incident_id, by, "adding evidence", lock=True)
            existing = uow.evidence.find_live(incident.id, staged.sha256)
            if existing is not None:
                raise Conflict(f"this file is already in the locker as item {existing.id} ({existing.name})")
            item = uow.evidence.add_item(
                Item(
                    incident_id=incident.id,
                    kind=Kind.FILE,
                    name=domain.safe_name(name),
                    sha256=staged.sha256,
                    size=staged.size,
                    added_at=svc.clock.now(),
                    added_by=by.name,
                    media_type=domain.clean_text(media_type, "media_type", 200) or "application/octet-stream",
                    description=domain.clean_text(description, "description", domain.MAX_NOTE),
                )
            )
            _record(svc, uow, incident, action, by, item=item)
            created = staged.keep()
            uow.commit()
            created = False
            return item
    finally:
        staged.discard()
        if created:  # moved into place but never committed
            locker.store.remove(staged.sha256)


def add_reference(
    svc: SecurityContext,
    incident_id: IncidentId,
    reference: str,
    *,
    label: str = "",
    description: str = "",
    by: Actor,
) -> Item:
    locker_of(svc)
    with svc.uow() as uow:
        incident = cleared_incident(uow, incident_id, by, "adding evidence", lock=True)
        item = domain.reference_item(
            incident.id, reference, label, description, at=svc.clock.now(), by=by.name
        )
        existing = uow.evidence.find_live(incident.id, item.sha256)
        if existing is not None:
            raise Conflict(f"this reference is already in the locker as item {existing.id}")
        stored = uow.evidence.add_item(item)
        _record(svc, uow, incident, Action.REFERENCE_ADDED, by, item=stored)
        uow.commit()
        return stored


def _item(uow: UnitOfWork, incident: Incident, item_id: int) -> Item:
    item = uow.evidence.get_item(incident.id, item_id)
    if item is None or not item.live:
        raise NotFound(f"no evidence item {item_id} in incident {incident.id}")
    return item


def download(
    svc: SecurityContext, incident_id: IncidentId, item_id: int, *, by: Actor
) -> tuple[Item, BinaryIO]:
    """The item and its file, open; the download is a custody entry (committed first)."""
    locker = locker_of(svc)
    with svc.uow() as uow:
        incident = cleared_incident(uow, incident_id, by, "downloading evidence", lock=True)
        item = _item(uow, incident, item_id)
        if item.kind is not Kind.FILE:
            raise Conflict(f"evidence item {item_id} is a reference ({item.reference}): there is no file")
        stream = locker.store.open(item.sha256)
        try:
            _record(svc, uow, incident, Action.DOWNLOADED, by, item=item)
            uow.commit()
        except BaseException:
            stream.close()
            raise
        return item, stream


def delete(svc: SecurityContext, incident_id: IncidentId, item_id: int, *, note: str = "", by: Actor) -> Item:
    locker = locker_of(svc)
    with svc.uow() as uow:
        incident = cleared_incident(uow, incident_id, by, "deleting evidence", lock=True)
        item = _item(uow, incident, item_id)
        domain.check_deletable(item, uow.evidence.entries(incident.id))
        uow.evidence.mark_deleted(item_id, svc.clock.now(), by.name)
        _record(svc, uow, incident, Action.DELETED, by, item=item, note=note)
        orphan = item.kind is Kind.FILE and uow.evidence.live_with_hash(item.sha256) == 0
        uow.commit()
    if orphan:
        locker.store.remove(item.sha256)
    return item


def set_hold(svc: SecurityContext, incident_id: IncidentId, on: bool, *, note: str = "", by: Actor) -> bool:
    """Put the locker under legal hold (nothing can be deleted) or lift it."""
    locker_of(svc)
    with svc.uow() as uow:
        incident = cleared_incident(uow, incident_id, by, "holding evidence", lock=True)
        domain.check_hold(uow.evidence.entries(incident.id), on)
        _record(svc, uow, incident, Action.HOLD_ON if on else Action.HOLD_OFF, by, note=note)
        uow.commit()
    return on


def custody(svc: Services, incident_id: IncidentId, *, by: Actor) -> Sequence[Entry]:
    with svc.read() as uow:
        cleared_incident(uow, incident_id, by, "reading evidence", lock=False)
        return uow.evidence.entries(incident_id)


def verify(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> Verification:
    """The custody chain's first bad entry, and the files that no longer match their hash."""
    locker = locker_of(svc)
    with svc.read() as uow:
        cleared_incident(uow, incident_id, by, "verifying evidence", lock=False)
        entries = uow.evidence.entries(incident_id)
        items = uow.evidence.items(incident_id)
    bad: list[str] = []
    for item in items:
        if item.kind is Kind.FILE:
            found = locker.store.digest(item.sha256)
            if found != item.sha256:
                why = "its file is missing" if found is None else "its file no longer matches its SHA-256"
                bad.append(f"item {item.id} ({item.name}): {why}")
    return Verification(len(entries), domain.verify(entries), bad)


def export(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> BinaryIO:
    """A zip of the live files, ``manifest.json``, ``custody.json`` and ``MANIFEST.sha256``;
    the export is a custody entry (in the log it carries)."""
    locker = locker_of(svc)
    with svc.uow() as uow:
        incident = cleared_incident(uow, incident_id, by, "exporting evidence", lock=True)
        items = uow.evidence.items(incident.id)
        _record(svc, uow, incident, Action.EXPORTED, by, note=f"{len(items)} items")
        entries = uow.evidence.entries(incident.id)
        uow.commit()
    docs = documents(incident.id, items, entries, at=entries[-1].at, by=by.name)
    files = [(file_path(i), i.sha256) for i in items if i.kind is Kind.FILE]
    return locker.store.bundle(files, docs)


def parse_hold(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"on", "true", "1", "yes"}:
        return True
    if lowered in {"off", "false", "0", "no"}:
        return False
    raise InvalidInput(f"hold: say on or off (got {value[:20]!r})")
