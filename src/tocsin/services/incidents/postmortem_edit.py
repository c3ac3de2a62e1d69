"""Applying a post-mortem edit: every field cleaned by the domain, owners checked against the
people and users tocsin knows, the 5 Whys links kept to existing action items."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from tocsin.domain import postmortem as domain
from tocsin.domain.errors import InvalidInput
from tocsin.domain.postmortem import PostMortem
from tocsin.domain.text import refuse_nul
from tocsin.services.incidents.context import PostMortemContext
from tocsin.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Edit:
    """A partial edit: ``None`` leaves a field as it is; lists replace the whole list."""

    owner: str | None = None
    summary: str | None = None
    impact: str | None = None
    root_cause: str | None = None
    whys: tuple[domain.Why, ...] | None = None
    why_actions: tuple[int, ...] | None = None
    action_items: tuple[domain.ActionItem, ...] | None = None
    runbooks: tuple[domain.RunbookUpdate, ...] | None = None
    timeline: domain.TimelineEdits | None = None
    meeting_at: datetime | None = None
    attendees: tuple[str, ...] | None = None


def _known_owners(svc: PostMortemContext, uow: UnitOfWork) -> set[str]:
    people = svc.paging.directory.people
    known = set(people) | {p.email for p in people.values() if p.email}
    known |= {user.email for user in uow.users.list()}
    return known


def _text_fields(edit: Edit) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("summary", "impact", "root_cause"):
        value = getattr(edit, name)
        if value is not None:
            changes[name] = domain.clean_field(name, value)
    if edit.whys is not None:
        changes["whys"] = domain.clean_whys(edit.whys)
    if edit.runbooks is not None:
        changes["runbooks"] = domain.clean_runbooks(edit.runbooks)
    if edit.timeline is not None:
        changes["timeline"] = domain.clean_timeline(edit.timeline)
    if edit.meeting_at is not None:
        changes["meeting_at"] = edit.meeting_at
    if edit.attendees is not None:
        cleaned = (domain.clean_field("attendees", a, 200) for a in edit.attendees if a.strip())
        changes["attendees"] = tuple(dict.fromkeys(cleaned))
    return changes


def apply_edit(
    svc: PostMortemContext, uow: UnitOfWork, pm: PostMortem, edit: Edit, today: date
) -> PostMortem:
    changes = _text_fields(edit)
    known = _known_owners(svc, uow) if edit.owner or edit.action_items else set()
    if edit.owner is not None:
        owner = refuse_nul("owner", edit.owner).strip()
        if owner and owner not in known:
            raise InvalidInput(f"owner: {owner!r} is not a known person or user")
        changes["owner"] = owner
    items = pm.action_items
    if edit.action_items is not None:
        items = domain.clean_actions(edit.action_items, previous=items, today=today, known_owner=known)
        changes["action_items"] = items
    if edit.why_actions is not None:
        changes["why_actions"] = domain.clean_why_actions(edit.why_actions, items)
    else:  # an action item removed leaves the 5 Whys chain
        ids = {item.id for item in items}
        changes["why_actions"] = tuple(i for i in pm.why_actions if i in ids)
    return replace(pm, **changes)
