"""Isolation actions on the timeline: the event each run or undo leaves (the request without
its header values, the outcome), and an action's state on an incident read back from those
events: never run, active, undone or failed. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.isolation import RUN, TIMEOUT, Action, Outcome, Request, shown

MAX_EXCERPT = 500


class Recorded(Protocol):
    """A timeline row (``TimelineEvent`` or a stored one)."""

    @property
    def kind(self) -> EventKind: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


class Status(StrEnum):
    NEVER_RUN = "never run"
    ACTIVE = "active"
    UNDONE = "undone"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One run or undo, as the timeline recorded it."""

    action: str
    op: str
    ok: bool
    at: datetime
    actor: str
    text: str
    status: int | None
    params: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ActionState:
    action: Action
    status: Status
    last: Attempt | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    """The parameters of the last run: what undo sends unless told otherwise."""

    @property
    def can_undo(self) -> bool:
        return self.status in (Status.ACTIVE, Status.FAILED) and self.last is not None


def describe(action: Action, op: str, request: Request, outcome: Outcome, timeout: float) -> str:
    head = f"Isolation '{action.label}' {op}"
    if outcome.error == TIMEOUT:
        return f"{head} failed: {request} timed out after {timeout:g} s"
    if outcome.error:
        return f"{head} failed: {request}: could not connect ({request.scrub(outcome.detail)})"
    verdict = "" if outcome.ok else " failed"
    return f"{head}{verdict}: {request} → {outcome.status} ({outcome.seconds:.2f} s)"


def event(
    action: Action,
    op: str,
    request: Request,
    outcome: Outcome,
    params: Mapping[str, str],
    *,
    at: datetime,
    by: str,
) -> TimelineEvent:
    """The timeline's record of one attempt: the request (no header values) and its outcome."""
    data: dict[str, Any] = {
        "action": action.key,
        "op": op,
        "ok": outcome.ok,
        "method": request.method,
        "url": request.url,
        "headers": request.shown_headers,
        "body": request.scrub(shown(request.body)),
        "params": dict(params),
        "status": outcome.status,
        "seconds": round(outcome.seconds, 3),
        "error": outcome.error,
        "response": request.scrub(outcome.excerpt[:MAX_EXCERPT]),
    }
    if outcome.error == TIMEOUT:
        data["timeout"] = action.timeout
    return TimelineEvent(
        EventKind.ISOLATION, at, by, describe(action, op, request, outcome, action.timeout), data
    )


def attempts(key: str, events: Iterable[Recorded]) -> list[Attempt]:
    """The runs and undos of action ``key`` among ``events`` (timeline rows), oldest first."""
    found = []
    for e in events:
        if e.kind is not EventKind.ISOLATION or e.data.get("action") != key:
            continue
        params = e.data.get("params") or {}
        found.append(
            Attempt(
                action=key,
                op=str(e.data.get("op", RUN)),
                ok=bool(e.data.get("ok")),
                at=e.at,
                actor=e.actor,
                text=e.text,
                status=e.data.get("status"),
                params={str(k): str(v) for k, v in params.items()},
            )
        )
    return found


def state(action: Action, events: Iterable[Recorded]) -> ActionState:
    """Never run, active (last attempt: a successful run), undone (a successful undo) or failed
    (the last attempt failed: what it left behind is unknown, so undo stays possible)."""
    history = attempts(action.key, events)
    if not history:
        return ActionState(action, Status.NEVER_RUN)
    last = history[-1]
    runs = [a for a in history if a.op == RUN]
    params = runs[-1].params if runs else {}
    if not last.ok:
        return ActionState(action, Status.FAILED, last, params)
    return ActionState(action, Status.ACTIVE if last.op == RUN else Status.UNDONE, last, params)
