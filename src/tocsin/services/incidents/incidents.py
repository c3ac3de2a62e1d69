"""Incident use cases. Each runs in one unit of work: the incident, its timeline events and the
jobs they imply commit together, or nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tocsin.domain import incident as domain
from tocsin.domain import incident_record, restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import AlertCounts
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import Change, EventKind
from tocsin.domain.incident import Impact, Incident, IncidentId
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.services.context import Services
from tocsin.services.incidents import postmortem
from tocsin.services.ports import IncidentFilter, Page, StoredEvent, UnitOfWork


def persist(
    svc: Services, uow: UnitOfWork, change: Change, *, new: bool = False, before: Incident | None = None
) -> None:
    """Write a domain ``Change`` — the incident row, its events, its jobs and cancellations —
    and what it implies elsewhere (``reactions``), all in the caller's unit of work. The
    escalation's lines (``follow_up``) go into the change's own timeline insert, after its
    events; the other reactions run after it.

    ``before``: the incident as the caller loaded it; a change that leaves it as it was (an
    alert's timeline event only) does not rewrite its row."""
    if new:
        uow.incidents.add(change.incident)
    elif change.incident != before:
        uow.incidents.save(change.incident)
    if change.cancel_keys:
        uow.jobs.cancel(change.cancel_keys)
    if change.jobs:
        uow.jobs.enqueue(change.jobs)
    events = (*change.events, *svc.follow_up(uow, change))  # escalation's lines after the change's
    if events:
        uow.timeline.append(change.incident.id, events)
    svc.react(uow, change)


def open_incident(
    svc: Services,
    uow: UnitOfWork,
    *,
    title: str,
    severity: Severity,
    summary: str,
    source: str,
    by: str,
    security: bool = False,
    drill: bool = False,
) -> Change:
    """Open an incident inside the caller's unit of work (not committed here).

    THE single path by which incidents come into being — declared by a person, opened by an
    alert, reported by a user — so everything an opening implies (the response clock, and the
    features that hook in here) happens the same way whatever the source.
    """
    change = domain.declare(
        uow.incidents.next_id(),
        title=title,
        severity=severity,
        summary=summary,
        source=source,
        security=security,
        drill=drill,
        at=svc.clock.now(),
        by=by,
        plan=svc.plan,
    )
    persist(svc, uow, change, new=True)
    return change


def declare_incident(
    svc: Services,
    *,
    title: str,
    severity: Severity,
    summary: str = "",
    source: str = "manual",
    security: bool = False,
    by: Actor,
) -> Incident:
    """Declare an incident; a security one is restricted from its first row (the answer is the
    view the declarer gets: redacted without clearance)."""
    by.require(Role.RESPONDER, "declaring an incident")
    with svc.uow() as uow:
        change = open_incident(
            svc,
            uow,
            title=title,
            severity=severity,
            summary=summary,
            source=source,
            by=by.name,
            security=security,
        )
        uow.commit()
    return restriction.view(by, change.incident)


Command = Callable[[Incident, datetime], Change]


def _apply(
    svc: Services, incident_id: IncidentId, by: Actor, action: str, command: Command, *, blind: bool = False
) -> Incident:
    """Lock the incident, run one domain command on it, write the change, commit.

    A restricted incident's commands need clearance (404 without), except ``blind`` ones that
    touch only its clock (acknowledging: whoever is paged may stop the clock); their answer is
    the redacted view."""
    return _apply_counted(svc, incident_id, by, action, command, blind=blind, counts=False)[0]


def _apply_counted(
    svc: Services,
    incident_id: IncidentId,
    by: Actor,
    action: str,
    command: Command,
    *,
    blind: bool = False,
    counts: bool,
) -> tuple[Incident, AlertCounts | None]:
    """``_apply``, and with ``counts`` the incident's alert counts read in the same transaction
    (``None``: no alert ever)."""
    by.require(Role.RESPONDER, action)
    found: AlertCounts | None = None
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        if not blind:
            restriction.require_clearance(by, current)
        change = command(current, svc.clock.now())
        persist(svc, uow, change)
        if counts:
            found = uow.alerts.counts([incident_id]).get(incident_id)
        uow.commit()
    return restriction.view(by, change.incident), found


def acknowledge_incident(svc: Services, incident_id: IncidentId, *, by: Actor, via: str = "") -> Incident:
    """``via`` names where it came from (``SMS``, ``call``): the timeline says "Acknowledged by
    Nora (from SMS)" while the incident keeps the person's plain name."""
    return acknowledge_with_alerts(svc, incident_id, by=by, via=via, counts=False)[0]


def acknowledge_with_alerts(
    svc: Services, incident_id: IncidentId, *, by: Actor, via: str = "", counts: bool = True
) -> tuple[Incident, AlertCounts | None]:
    """``acknowledge_incident``, and the incident's alert counts read in its transaction (the
    API's answer: one connection, no second round of BEGIN/read)."""

    def command(inc: Incident, at: datetime) -> Change:
        change = domain.acknowledge(inc, at=at, by=by.name)
        return _acknowledged_via(change, by.name, via) if via else change

    return _apply_counted(svc, incident_id, by, "acknowledging", command, blind=True, counts=counts)


def _acknowledged_via(change: Change, name: str, via: str) -> Change:
    events = tuple(
        replace(
            event,
            text=event.text.replace(f"Acknowledged by {name}", f"Acknowledged by {name} (from {via})", 1),
            data={**event.data, "via": via},
        )
        if event.kind is EventKind.ACKNOWLEDGED
        else event
        for event in change.events
    )
    return replace(change, events=events)


def update_incident(
    svc: Services,
    incident_id: IncidentId,
    *,
    severity: Severity | None = None,
    title: str | None = None,
    reason: str = "",
    by: Actor,
) -> Incident:
    """Change severity and/or title in one transaction."""

    if severity is None and title is None:
        raise InvalidInput("nothing to change: give severity and/or title")

    def command(inc: Incident, at: datetime) -> Change:
        changes: list[Change] = []
        if title is not None:
            changes.append(incident_record.rename(inc, title, at=at, by=by.name))
            inc = changes[-1].incident
        if severity is not None and severity is not inc.severity:
            changes.append(
                domain.set_severity(inc, severity, reason=reason, at=at, by=by.name, plan=svc.plan)
            )
            inc = changes[-1].incident
        merged = _merge(inc, changes)
        if not merged.events:
            raise InvalidInput(
                f"nothing to change: the incident is already {inc.severity.value} with this title"
            )
        return merged

    return _apply(svc, incident_id, by, "updating an incident", command)


def _merge(final: Incident, changes: Sequence[Change]) -> Change:
    return Change(
        final,
        events=tuple(e for c in changes for e in c.events),
        jobs=tuple(j for c in changes for j in c.jobs),
        cancel_keys=tuple(k for c in changes for k in c.cancel_keys),
    )


def assess_impact(svc: Services, incident_id: IncidentId, impact: Impact, *, by: Actor) -> Incident:
    return _apply(
        svc,
        incident_id,
        by,
        "assessing impact",
        lambda inc, at: incident_record.assess_impact(inc, impact, at=at, by=by.name),
    )


def add_note(
    svc: Services, incident_id: IncidentId, text: str, *, kind: NoteKind | None = None, by: Actor
) -> Incident:
    return _apply(
        svc,
        incident_id,
        by,
        "adding a note",
        lambda inc, at: incident_record.add_note(inc, text, kind=kind, at=at, by=by.name),
    )


def resolve_incident(svc: Services, incident_id: IncidentId, *, summary: str = "", by: Actor) -> Incident:
    return _apply(
        svc,
        incident_id,
        by,
        "resolving",
        lambda inc, at: domain.resolve(inc, summary=summary, at=at, by=by.name, plan=svc.plan),
    )


def reopen_incident(svc: Services, incident_id: IncidentId, *, reason: str = "", by: Actor) -> Incident:
    return _apply(
        svc,
        incident_id,
        by,
        "reopening",
        lambda inc, at: domain.reopen(inc, reason=reason, at=at, by=by.name, plan=svc.plan),
    )


def close_incident(svc: Services, incident_id: IncidentId, *, by: Actor) -> Incident:
    """Close a resolved incident; one whose severity requires a post-mortem (P0/P1) closes
    only once the post-mortem is complete or waived (``Conflict`` otherwise, naming it)."""
    by.require(Role.RESPONDER, "closing")
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, current)
        change = domain.close(current, at=svc.clock.now(), by=by.name)
        postmortem.require_closable(svc, uow, current)
        persist(svc, uow, change)
        uow.commit()
    return change.incident


def get_incident(svc: Services, incident_id: IncidentId, *, by: Actor) -> Incident:
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        return restriction.view(by, uow.incidents.get(incident_id))


def get_incident_with_alerts(
    svc: Services, incident_id: IncidentId, *, by: Actor
) -> tuple[Incident, AlertCounts]:
    """The incident (as ``get_incident``) and its alert counts, in one read-only unit of work."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        incident = restriction.view(by, uow.incidents.get(incident_id))
        counts = uow.alerts.counts([incident_id]).get(incident_id, AlertCounts())
    return incident, counts


def list_incidents(svc: Services, query: IncidentFilter, *, by: Actor) -> Page[Incident]:
    """A page of incidents, restricted ones redacted for readers without clearance (whose
    search words never match a restricted incident)."""
    by.require(Role.VIEWER, "reading incidents")
    cleared = by.role.allows(restriction.CLEARANCE)
    with svc.read() as uow:
        page = uow.incidents.list(replace(query, cleared=cleared))
    if cleared:
        return page
    return replace(page, items=[restriction.redact(incident) for incident in page.items])


def get_timeline(
    svc: Services, incident_id: IncidentId, *, by: Actor, after: int | None = None, limit: int | None = None
) -> Sequence[StoredEvent]:
    """Oldest first: every event, or ``limit`` of them after the event ``after``."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        return uow.timeline.list(incident_id, after=after, limit=limit)


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """The newest events of an incident's timeline (newest first), as the room shows them."""

    events: Sequence[StoredEvent]
    kinds: Mapping[str, int]
    """How many events of each kind the whole timeline holds."""
    suspects: Sequence[StoredEvent]
    """Deploy events marked as suspects, oldest first."""
    older: int | None
    """Pass as ``before`` for the next, older page; ``None`` when there is none."""

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


TIMELINE_PAGE = 100


def timeline_page(
    svc: Services,
    incident_id: IncidentId,
    *,
    by: Actor,
    kinds: frozenset[str] = frozenset(),
    before: int | None = None,
    since: int | None = None,
    limit: int = TIMELINE_PAGE,
) -> TimelinePage:
    """A page of the timeline, newest first: events of ``kinds`` (all when empty) older than
    event ``before``, newer than event ``since``; whatever the timeline's length."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        events = uow.timeline.page(incident_id, kinds=kinds, before=before, since=since, limit=limit + 1)
        counts = uow.timeline.kinds(incident_id)
        deploys = (
            uow.timeline.page(incident_id, kinds=frozenset({"deploy"}), limit=1000)
            if "deploy" in counts
            else ()
        )
    shown = events[:limit]
    older = shown[-1].id if len(events) > limit else None
    suspects = [e for e in reversed(deploys) if e.data.get("suspect")]
    return TimelinePage(events=shown, kinds=counts, suspects=suspects, older=older)
