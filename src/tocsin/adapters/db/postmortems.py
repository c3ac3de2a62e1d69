"""Post-mortems over the unit of work's connection; nothing here commits. The document (what
people wrote) is one JSON value; its codec lives here, next to the only code that stores it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import postmortems
from tocsin.domain.postmortem import (
    ActionItem,
    AddedEntry,
    PostMortem,
    RunbookUpdate,
    Status,
    TimelineEdits,
    Why,
)


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def encode(pm: PostMortem) -> dict[str, Any]:
    return {
        "summary": pm.summary,
        "impact": pm.impact,
        "root_cause": pm.root_cause,
        "whys": [{"why": w.why, "because": w.because} for w in pm.whys],
        "why_actions": list(pm.why_actions),
        "action_items": [
            {
                "id": a.id,
                "title": a.title,
                "owner": a.owner,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "done": a.done,
                "github_issue": a.github_issue,
            }
            for a in pm.action_items
        ],
        "runbooks": [{"url": r.url, "title": r.title, "done": r.done} for r in pm.runbooks],
        "timeline": {
            "hidden": sorted(pm.timeline.hidden),
            "reworded": [[k, v] for k, v in pm.timeline.reworded],
            "added": [{"at": e.at.isoformat(), "text": e.text} for e in pm.timeline.added],
        },
        "meeting_at": pm.meeting_at.isoformat() if pm.meeting_at else None,
        "attendees": list(pm.attendees),
    }


def _timeline(data: Mapping[str, Any]) -> TimelineEdits:
    return TimelineEdits(
        hidden=frozenset(data.get("hidden", ())),
        reworded=tuple((str(k), str(v)) for k, v in data.get("reworded", ())),
        added=tuple(AddedEntry(datetime.fromisoformat(e["at"]), e["text"]) for e in data.get("added", ())),
    )


def _action(data: Mapping[str, Any]) -> ActionItem:
    due = data.get("due_on")
    return ActionItem(
        id=int(data["id"]),
        title=data["title"],
        owner=data.get("owner", ""),
        due_on=date.fromisoformat(due) if due else None,
        done=bool(data.get("done")),
        github_issue=data.get("github_issue"),
    )


def decode(row: RowMapping) -> PostMortem:
    doc: Mapping[str, Any] = row["document"]
    return PostMortem(
        incident_id=row["incident_id"],
        required=row["required"],
        owner=row["owner"],
        opened_at=row["opened_at"],
        due_at=row["due_at"],
        status=Status(row["status"]),
        completed_at=row["completed_at"],
        completed_by=row["completed_by"],
        waived_reason=row["waived_reason"],
        summary=doc.get("summary", ""),
        impact=doc.get("impact", ""),
        root_cause=doc.get("root_cause", ""),
        whys=tuple(Why(w["why"], w["because"]) for w in doc.get("whys", ())),
        why_actions=tuple(int(i) for i in doc.get("why_actions", ())),
        action_items=tuple(_action(a) for a in doc.get("action_items", ())),
        runbooks=tuple(
            RunbookUpdate(r["url"], r.get("title", ""), bool(r.get("done"))) for r in doc.get("runbooks", ())
        ),
        timeline=_timeline(doc.get("timeline", {})),
        meeting_at=_when(doc.get("meeting_at")),
        attendees=tuple(doc.get("attendees", ())),
    )


def row_values(pm: PostMortem, at: datetime) -> dict[str, Any]:
    return {
        "status": pm.status.value,
        "required": pm.required,
        "owner": pm.owner[:200],
        "opened_at": pm.opened_at,
        "due_at": pm.due_at,
        "completed_at": pm.completed_at,
        "completed_by": pm.completed_by[:200],
        "waived_reason": pm.waived_reason,
        "document": encode(pm),
        "updated_at": at,
    }


class SqlPostMortemRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, incident_id: int) -> PostMortem | None:
        query = sa.select(postmortems).where(postmortems.c.incident_id == incident_id)
        row = self._conn.execute(query).mappings().first()
        return decode(row) if row is not None else None

    def add(self, pm: PostMortem, at: datetime) -> None:
        self._conn.execute(postmortems.insert().values(incident_id=pm.incident_id, **row_values(pm, at)))

    def save(self, pm: PostMortem, at: datetime) -> None:
        row = postmortems.c.incident_id == pm.incident_id
        self._conn.execute(postmortems.update().where(row).values(**row_values(pm, at)))

    def overdue(self, at: datetime, *, limit: int = 50) -> Sequence[PostMortem]:
        query = (
            sa.select(postmortems)
            .where(postmortems.c.status == Status.DRAFT.value, postmortems.c.due_at < at)
            .order_by(postmortems.c.due_at, postmortems.c.incident_id)
            .limit(limit)
        )
        return [decode(row) for row in self._conn.execute(query).mappings()]

    def done(self, incident_ids: Sequence[int]) -> set[int]:
        if not incident_ids:
            return set()
        query = sa.select(postmortems.c.incident_id).where(
            postmortems.c.incident_id.in_(list(incident_ids)),
            postmortems.c.status != Status.DRAFT.value,
        )
        return set(self._conn.execute(query).scalars())
