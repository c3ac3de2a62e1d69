"""The plan's special procedure for security incidents as tracked work: its five steps
(Isolation, Forensics, Notification GDPR, Communication, Investigation), each with an owner,
when it started and ended, and notes. Every change is a timeline event (``security_step``), so
the procedure's state is read back from the incident's own record. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from tocsin.domain.checklist import SECURITY_PROCEDURE
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.text import refuse_nul, require_aware

MAX_NOTE = 2000
MAX_OWNER = 200


class StepState(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_NEEDED = "not_needed"

    @property
    def label(self) -> str:
        return {"todo": "to do", "in_progress": "in progress", "done": "done", "not_needed": "not needed"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class Note:
    at: datetime
    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class StepStatus:
    """One step as it stands: the plan's words, its state, owner, times and notes."""

    number: int
    text: str
    state: StepState = StepState.TODO
    owner: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    notes: tuple[Note, ...] = field(default=())

    @property
    def name(self) -> str:
        """The step's name as the plan writes it ("Isolation", "Forensics", …)."""
        return self.text.split(":")[0].strip()


def steps() -> tuple[StepStatus, ...]:
    return tuple(StepStatus(n, step.text) for n, step in enumerate(SECURITY_PROCEDURE, 1))


def _number(value: int) -> int:
    if not 1 <= value <= len(SECURITY_PROCEDURE):
        raise InvalidInput(
            f"step: the security procedure has steps 1 to {len(SECURITY_PROCEDURE)} (got {value})"
        )
    return value


def update(
    incident: Incident,
    step: int,
    *,
    state: StepState | None = None,
    owner: str | None = None,
    note: str = "",
    at: datetime,
    by: str,
) -> Change:
    """Move one step (state), give it an owner, and/or add a note: one timeline event."""
    require_aware(at)
    number = _number(step)
    _require_open_security(incident)
    note = _bounded("note", note, MAX_NOTE)
    owner = None if owner is None else _bounded("owner", owner, MAX_OWNER)
    if state is None and owner is None and not note:
        raise InvalidInput("nothing to record: give a state, an owner or a note")
    parts = [state.label] if state is not None else []
    if owner is not None:
        parts.append(f"owner {owner}" if owner else "no owner")
    text = f"Security step {number} ({steps()[number - 1].name})"
    if parts:
        text += f": {', '.join(parts)}"
    if note:
        text += f" — {note}"
    data: dict[str, object] = {"step": number, "note": note}
    if state is not None:
        data["state"] = state.value
    if owner is not None:
        data["owner"] = owner
    return Change(incident, events=(TimelineEvent(EventKind.SECURITY_STEP, at, by, text, data),))


def _require_open_security(incident: Incident) -> None:
    if not incident.security:
        raise InvalidTransition(
            "the security procedure applies to security incidents: mark the incident first"
        )
    if incident.phase is Phase.CLOSED:
        raise InvalidTransition(
            "the incident is closed: its security procedure is its record (reopen it first)"
        )


def _bounded(field_name: str, value: str, most: int) -> str:
    value = refuse_nul(field_name, value).strip()
    if len(value) > most:
        raise InvalidInput(f"{field_name}: at most {most} characters (got {len(value)})")
    return value


def replay(events: Iterable[TimelineEvent]) -> tuple[StepStatus, ...]:
    """The five steps as the incident's timeline leaves them."""
    current = {s.number: s for s in steps()}
    for event in events:
        if event.kind is not EventKind.SECURITY_STEP:
            continue
        number = int(str(event.data.get("step", 0)) or 0)
        if number not in current:
            continue
        step = current[number]
        if "owner" in event.data:
            step = replace(step, owner=str(event.data["owner"]))
        raw = event.data.get("state")
        if raw is not None:
            step = _moved(step, StepState(str(raw)), event.at)
        text = str(event.data.get("note") or "")
        if text:
            step = replace(step, notes=(*step.notes, Note(event.at, event.actor, text)))
        current[number] = step
    return tuple(current[n] for n in sorted(current))


def _moved(step: StepStatus, state: StepState, at: datetime) -> StepStatus:
    started = step.started_at
    if state is StepState.IN_PROGRESS or (state is StepState.DONE and started is None):
        started = started or at
    ended = at if state in (StepState.DONE, StepState.NOT_NEEDED) else None
    return replace(step, state=state, started_at=started, ended_at=ended)
