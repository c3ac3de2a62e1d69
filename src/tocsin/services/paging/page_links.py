"""Acknowledge or escalate from the page itself: issue a page's two links, put them in the
message, show what a link would do (GET: nothing changes, so a mail scanner following it is
harmless), and act on it (POST) as the person it was sent to.

The links of a page are recorded (hashed) in the unit of work that plans the page (``issue``),
and written into the message when it is sent (``attach``): the token is derived again from the
install secret, so no job payload carries one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tocsin.domain import incident as incident_domain
from tocsin.domain import page_link as domain
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidTransition, NotFound
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.notification import Person
from tocsin.domain.page_link import Action, PageLink, State
from tocsin.services.context import Services
from tocsin.services.incidents import incidents
from tocsin.services.paging import escalation
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class LinkPage:
    """What a link's page shows. ``title`` is the restricted title for a security incident (the
    page is read without signing in); ``acknowledged_by`` is empty for one too."""

    action: Action
    state: State
    person: str
    channel: str
    incident_id: int
    severity: str
    title: str
    phase: Phase
    expires_at: datetime
    used_at: datetime | None
    used_action: Action | None
    acknowledged_at: datetime | None
    acknowledged_by: str


class Result(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    """Someone else acknowledged first: nothing to do, and the links stay as they were."""
    NOT_OPEN = "not_open"
    """The incident moved on (resolved, closed): nothing to acknowledge or escalate."""
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    page: LinkPage


def view(svc: PagingContext, token: str) -> LinkPage:
    """What ``token``'s link would do, and whether it still can. Changes nothing. ``NotFound``
    for a token that no link has (another install's, a mistyped one)."""
    with svc.read() as uow:
        link = _find(uow, token)
        person = _person(svc, link)
        incident = uow.incidents.get(IncidentId(link.incident_id))
    return _page(link, person, incident, svc.clock.now())


def act(svc: PagingContext, token: str) -> Outcome:
    """Acknowledge or escalate as the link's person, and use both links of that page, in one
    transaction; the timeline says ``Acknowledged by Nora (from SMS)``. A used or expired link
    does nothing and says so; so does acknowledging an incident already acknowledged."""
    with svc.uow() as uow:
        first = _find(uow, token)
        incident = uow.incidents.get(IncidentId(first.incident_id), for_update=True)
        link = _find(uow, token)  # again, under the incident's lock: two clicks act once
        person = _person(svc, link)
        at = svc.clock.now()
        state = domain.state(link, at)
        if state is not State.VALID:
            return Outcome(Result(state.value), _page(link, person, incident, at))
        actor = Actor(person.name, Role.RESPONDER)
        label = domain.acting_name(person.name, link.channel)
        if link.action is Action.ACK:
            result, incident = _acknowledge(svc, uow, incident, actor=actor, label=label, link=link, at=at)
        else:
            result = _escalate(svc, uow, incident, actor, label)
        if result in (Result.ACKNOWLEDGED, Result.ESCALATED):
            uow.page_links.use(link.key, link.action, at)
            uow.commit()
            link = replace(link, used_at=at, used_action=link.action)
    return Outcome(result, _page(link, person, incident, at))


def _acknowledge(
    svc: Services,
    uow: UnitOfWork,
    incident: Incident,
    *,
    actor: Actor,
    label: str,
    link: PageLink,
    at: datetime,
) -> tuple[Result, Incident]:
    actor.require(Role.RESPONDER, "acknowledging")  # blind: a restricted incident's clock too
    if incident.acknowledged_at is not None:
        return Result.ALREADY_ACKNOWLEDGED, incident
    try:
        change = incident_domain.acknowledge(incident, at=at, by=actor.name)
    except InvalidTransition:
        return Result.NOT_OPEN, incident
    events = tuple(_from_link(event, actor.name, label, link) for event in change.events)
    change = Change(change.incident, events, change.jobs, change.cancel_keys)
    incidents.persist(svc, uow, change, before=incident)
    return Result.ACKNOWLEDGED, change.incident


def _escalate(svc: PagingContext, uow: UnitOfWork, incident: Incident, actor: Actor, label: str) -> Result:
    actor.require(Role.RESPONDER, "escalating an incident")
    if not incident.phase.is_open:
        return Result.NOT_OPEN
    escalation.escalate_locked(svc, uow, incident, by=actor.name, label=label)
    return Result.ESCALATED


def _from_link(event: TimelineEvent, name: str, label: str, link: PageLink) -> TimelineEvent:
    """The acknowledgement says where it came from: ``Acknowledged by Nora (from SMS) …``."""
    if event.kind is not EventKind.ACKNOWLEDGED:
        return event
    text = event.text.replace(f"Acknowledged by {name}", f"Acknowledged by {label}", 1)
    return replace(event, text=text, data={**event.data, "via": link.channel, "page_link": link.key})


def _find(uow: UnitOfWork, token: str) -> PageLink:
    link = uow.page_links.find(domain.token_hash(token)) if domain.well_formed(token) else None
    if link is None:
        raise NotFound("no such link: it may have been mistyped or cut short")
    return link


def _person(svc: PagingContext, link: PageLink) -> Person:
    """The link's person, as the directory knows them now: someone removed from ``people``
    can no longer act through an old page."""
    person = svc.paging.directory.people.get(link.person_id)
    if person is None:
        raise NotFound("no such link: it may have been mistyped or cut short")
    return person


def _page(link: PageLink, person: Person, incident: Incident, at: datetime) -> LinkPage:
    shown = restriction.redact(incident)
    return LinkPage(
        action=link.action,
        state=domain.state(link, at),
        person=person.name,
        channel=domain.channel_label(link.channel),
        incident_id=incident.id,
        severity=incident.severity.value,
        title=shown.title,
        phase=incident.phase,
        expires_at=link.expires_at,
        used_at=link.used_at,
        used_action=link.used_action,
        acknowledged_at=incident.acknowledged_at,
        acknowledged_by=shown.acknowledged_by or "",
    )
