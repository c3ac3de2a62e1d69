"""Bodies of the post-mortem API: the document as people edit it, and as it is read back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tocsin.domain import postmortem as domain
from tocsin.domain.incident_report import Entry
from tocsin.services.incidents.postmortem import PostMortemView
from tocsin.services.incidents.postmortem_edit import Edit
from tocsin.web.api import MAX_INT

Line = Annotated[str, Field(max_length=domain.MAX_LINE * 2)]
Long = Annotated[str, Field(max_length=domain.MAX_FIELD)]
Key = Annotated[str, Field(max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WhyIn(_In):
    why: Line = Field(description="the question, e.g. “did the API time out?”")
    because: Line = Field(description="the answer, which the next why asks about")


class ActionItemIn(_In):
    id: int = Field(
        default=0, ge=0, le=MAX_INT, description="an existing item's id; 0 (or none) adds a new item"
    )
    title: Annotated[str, Field(max_length=domain.MAX_LINE)]
    owner: Annotated[str, Field(max_length=200)] = ""
    due_on: date | None = None
    done: bool = False

    def to_domain(self) -> domain.ActionItem:
        return domain.ActionItem(self.id, self.title, self.owner, self.due_on, self.done)


class RunbookIn(_In):
    url: Annotated[str, Field(max_length=2000)]
    title: Annotated[str, Field(max_length=domain.MAX_LINE)] = ""
    done: bool = False


class AddedEntryIn(_In):
    at: AwareDatetime
    text: Annotated[str, Field(max_length=domain.MAX_LINE)]


class TimelineEditsIn(_In):
    hidden: list[Key] = Field(
        default_factory=list, max_length=500, description="keys of entries left out of the report"
    )
    reworded: dict[
        Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=domain.MAX_LINE)]
    ] = Field(default_factory=dict, description="key -> the text the report shows instead")
    added: list[AddedEntryIn] = Field(default_factory=list, max_length=domain.MAX_ITEMS)


class PostMortemPatch(_In):
    """Fields left out stay as they are; a list given replaces the whole list."""

    owner: Annotated[str, Field(max_length=200)] | None = None
    summary: Long | None = None
    impact: Long | None = None
    root_cause: Long | None = None
    whys: list[WhyIn] | None = Field(default=None, max_length=domain.MAX_ITEMS)
    why_actions: list[Annotated[int, Field(ge=0, le=MAX_INT)]] | None = Field(
        default=None,
        max_length=domain.MAX_ITEMS,
        description="ids of the action items the last “because” leads to",
    )
    action_items: list[ActionItemIn] | None = Field(default=None, max_length=domain.MAX_ITEMS)
    runbooks: list[RunbookIn] | None = Field(default=None, max_length=domain.MAX_ITEMS)
    timeline: TimelineEditsIn | None = None
    meeting_at: AwareDatetime | None = None
    attendees: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=100)

    def to_edit(self) -> Edit:
        timeline = None
        if self.timeline is not None:
            timeline = domain.TimelineEdits(
                hidden=frozenset(self.timeline.hidden),
                reworded=tuple(self.timeline.reworded.items()),
                added=tuple(domain.AddedEntry(e.at, e.text) for e in self.timeline.added),
            )
        return Edit(
            owner=self.owner,
            summary=self.summary,
            impact=self.impact,
            root_cause=self.root_cause,
            whys=None if self.whys is None else tuple(domain.Why(w.why, w.because) for w in self.whys),
            why_actions=None if self.why_actions is None else tuple(self.why_actions),
            action_items=None
            if self.action_items is None
            else tuple(
                domain.ActionItem(a.id, a.title, a.owner, a.due_on, a.done) for a in self.action_items
            ),
            runbooks=None
            if self.runbooks is None
            else tuple(domain.RunbookUpdate(r.url, r.title, r.done) for r in self.runbooks),
            timeline=timeline,
            meeting_at=self.meeting_at,
            attendees=None if self.attendees is None else tuple(self.attendees),
        )


class WaiveRequest(_In):
    reason: Annotated[str, Field(max_length=domain.MAX_LINE)] = Field(
        description="why this incident needs no post-mortem (kept on the timeline)"
    )


class EntryOut(BaseModel):
    key: str
    at: datetime
    text: str
    hidden: bool
    original: str
    added: bool

    @classmethod
    def render(cls, entry: Entry) -> EntryOut:
        return cls(
            key=entry.key,
            at=entry.at,
            text=entry.text,
            hidden=entry.hidden,
            original=entry.original,
            added=entry.added,
        )


class ActionItemOut(BaseModel):
    id: int
    title: str
    owner: str
    due_on: date | None
    done: bool
    github_issue: int | None


class PostMortemOut(BaseModel):
    incident_id: int
    required: bool
    exists: bool
    status: str = Field(description="none, draft, complete or waived")
    owner: str = ""
    due_at: datetime | None = None
    overdue: bool = False
    missing: list[str] = Field(default_factory=list, description="what completing still needs")
    summary: str = ""
    impact: str = ""
    root_cause: str = ""
    whys: list[WhyIn] = Field(default_factory=list)
    why_actions: list[int] = Field(default_factory=list)
    action_items: list[ActionItemOut] = Field(default_factory=list)
    runbooks: list[RunbookIn] = Field(default_factory=list)
    meeting_at: datetime | None = None
    attendees: list[str] = Field(default_factory=list)
    completed_at: datetime | None = None
    completed_by: str = ""
    waived_reason: str = ""
    timeline: list[EntryOut] = Field(default_factory=list)

    @classmethod
    def render(cls, current: PostMortemView, now: datetime) -> PostMortemOut:
        pm = current.postmortem
        timeline = [EntryOut.render(e) for e in current.timeline]
        base = {"incident_id": current.incident.id, "required": current.required, "timeline": timeline}
        if pm is None:
            return cls(exists=False, status="none", **base)
        return cls(
            exists=True,
            status=pm.status.value,
            owner=pm.owner,
            due_at=pm.due_at,
            overdue=pm.overdue(now),
            missing=pm.missing() if not pm.status.done else [],
            summary=pm.summary,
            impact=pm.impact,
            root_cause=pm.root_cause,
            whys=[WhyIn(why=w.why, because=w.because) for w in pm.whys],
            why_actions=list(pm.why_actions),
            action_items=[
                ActionItemOut(
                    id=a.id,
                    title=a.title,
                    owner=a.owner,
                    due_on=a.due_on,
                    done=a.done,
                    github_issue=a.github_issue,
                )
                for a in pm.action_items
            ],
            runbooks=[RunbookIn(url=r.url, title=r.title, done=r.done) for r in pm.runbooks],
            meeting_at=pm.meeting_at,
            attendees=list(pm.attendees),
            completed_at=pm.completed_at,
            completed_by=pm.completed_by,
            waived_reason=pm.waived_reason,
            **base,
        )
