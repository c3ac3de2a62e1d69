"""Post-mortem action items as GitHub issues (label ``incident-action``, linking back to the
incident), and their state both ways: done in tocsin closes the issue; closing or reopening the
issue on GitHub marks the item done or not done.

The ``github.actions`` job creates the missing issues and aligns states. It looks for an issue
carrying the item's marker before creating one, so a retry after a crash between "GitHub
created it" and "we stored the number" adopts that issue instead of opening a second.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import drill, markup
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.postmortem import ActionItem
from tocsin.services.github.context import GitHubActionsContext
from tocsin.services.github.ports import GitHub
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork

ACTION_LABEL = "incident-action"
ACTION_COLOUR = "5319e7"
_MARK = re.compile(r"<!-- tocsin-action-(\d+)-(\d+) -->")


def marker(incident_id: int, item_id: int) -> str:
    return f"<!-- tocsin-action-{incident_id}-{item_id} -->"


def _body(svc: PagingContext, incident_id: int, title: str, item: ActionItem) -> str:
    url = svc.paging.incident_url(incident_id)
    lines = [f"Action item from the post-mortem of incident #{incident_id} ({markup.github(title)})."]
    if url:
        lines.append(f"Incident: {url} — post-mortem: {url}/postmortem")
    if item.owner:
        lines.append(f"Owner: {markup.github(item.owner)}")
    if item.due_on:
        lines.append(f"Due: {item.due_on.isoformat()}")
    lines.append(marker(incident_id, item.id))
    return "\n\n".join(lines)


def sync_actions(svc: GitHubActionsContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Create each action item's issue once, and close/reopen it as the item is done or not."""
    gh = svc.github
    if gh is None:
        return True
    incident_id = IncidentId(int(payload["incident_id"]))
    uow.hold("github.actions", incident_id)
    with svc.read() as read:
        incident = read.incidents.get(incident_id)
        pm = read.postmortems.get(incident_id)
    if pm is None or incident.security:
        return True  # a restricted incident's action items stay in tocsin (their titles tell)
    numbers: dict[int, int] = {}
    for item in pm.action_items:
        numbers[item.id] = _sync_one(svc, gh, incident, item)
    _store_numbers(uow, incident_id, numbers, svc.clock.now())
    return True


def _sync_one(svc: PagingContext, gh: GitHub, incident: Incident, item: ActionItem) -> int:
    incident_id, title = incident.id, drill.title(incident)
    wanted = "closed" if item.done else "open"
    if item.github_issue is None:
        found = gh.tracker.find(marker(incident_id, item.id))
        if found is None:
            gh.tracker.ensure_labels([ACTION_LABEL], {ACTION_LABEL: ACTION_COLOUR})
            body = _body(svc, incident_id, title, item)
            name = drill.mark(f"[#{incident_id}] {item.title}", incident.drill)
            found = gh.tracker.create(name[:256], body, [ACTION_LABEL])
        number, state = found.number, found.state
    else:
        number, state = item.github_issue, gh.tracker.get(item.github_issue).state
    if state != wanted:
        gh.tracker.update(number, state=wanted, state_reason="completed" if item.done else "reopened")
    return number


def _store_numbers(
    uow: UnitOfWork, incident_id: IncidentId, numbers: Mapping[int, int], at: datetime
) -> None:
    uow.incidents.get(incident_id, for_update=True)  # edits of this post-mortem wait for us
    pm = uow.postmortems.get(incident_id)
    if pm is None:
        return
    items = tuple(
        replace(a, github_issue=numbers[a.id]) if a.github_issue is None and a.id in numbers else a
        for a in pm.action_items
    )
    if items != pm.action_items:
        uow.postmortems.save(replace(pm, action_items=items), at)


def from_github(uow: UnitOfWork, *, body: str, number: int, action: str, by: str, at: datetime) -> str | None:
    """An ``issues`` closed/reopened delivery about an action item's issue: mark the item done or
    not done (recorded on the timeline). ``None`` when the issue is not an action item's."""
    found = _MARK.search(body)
    if found is None or action not in ("closed", "reopened"):
        return None
    incident_id, item_id = IncidentId(int(found[1])), int(found[2])
    uow.incidents.get(incident_id, for_update=True)
    pm = uow.postmortems.get(incident_id)
    item = next((a for a in pm.action_items if a.id == item_id), None) if pm is not None else None
    if pm is None or item is None:
        return "ignored"
    done = action == "closed"
    if item.done == done:
        return "recorded"
    items = tuple(
        replace(a, done=done, github_issue=number) if a.id == item_id else a for a in pm.action_items
    )
    uow.postmortems.save(replace(pm, action_items=items), at)
    verb = "done" if done else "reopened"
    text = f"Action item {item_id} “{item.title}” {verb} on GitHub (#{number}) by @{by}"
    event = TimelineEvent(EventKind.POSTMORTEM, at, f"github:{by}", text, {"action": f"item_{verb}"})
    uow.timeline.append(incident_id, [event])
    return "action_" + verb
