"""Escalation: the policy frozen onto an incident and how far it has gone. Pure.

A ``Policy`` is ordered steps (targets, wait) run ``repeat + 1`` times. Opening an incident
freezes its severity's policy onto it (``begin``) and runs step 1 at once; each step schedules
a timer for the next one after its wait. Later edits of the plan never rewrite an incident's
policy; a severity change while unacknowledged re-plans from the new severity's policy.

Two fencing tokens make stale timers no-ops: the incident's ``generation`` (acknowledging,
resolving, reopening or changing severity bumps it) and the escalation's own ``seq`` (bumped by
every step, so a step that ran early, by hand or on a response-time breach, voids the timer
the previous step had set).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.severity import Severity


class Status(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Step:
    targets: tuple[str, ...]
    wait: timedelta


@dataclass(frozen=True, slots=True)
class Policy:
    severity: Severity
    steps: tuple[Step, ...]
    repeat: int = 0
    wait_for_rules: bool = False
    """A step waits for its people's notification rules to run their course (their last
    method: a call after 5 minutes…) when that is longer than its own wait."""

    @property
    def total(self) -> int:
        """How many steps run at most: every step, ``repeat + 1`` times."""
        return len(self.steps) * (self.repeat + 1)


@dataclass(frozen=True, slots=True)
class StepRun:
    """A step that ran: number (1-based) and round (1-based) in the policy, who it targets."""

    number: int
    round: int
    targets: tuple[str, ...]
    reason: str
    at: datetime
    of: int
    due_at: datetime | None = None
    """When a timer-driven step was due (it ran late when tocsin was not running)."""


@dataclass(frozen=True, slots=True)
class Escalation:
    incident_id: int
    policy: Policy
    status: Status = Status.ACTIVE
    position: int = 0  # steps run so far (in this policy)
    seq: int = 0  # fencing token of the pending step timer
    batch: int = 0  # notification batches so far (idempotency keys)
    last_step_at: datetime | None = None
    next_step_at: datetime | None = None
    stop_reason: str = ""
    notified: tuple[str, ...] = ()  # people paged so far, for FYIs

    @property
    def timer_key(self) -> str:
        return step_key(self.incident_id, self.seq)

    def with_notified(self, people: tuple[str, ...]) -> Escalation:
        return replace(self, notified=tuple(dict.fromkeys((*self.notified, *people))))

    def next_batch(self) -> tuple[Escalation, int]:
        """A fresh batch number for one event's notifications."""
        return replace(self, batch=self.batch + 1), self.batch + 1


@dataclass(frozen=True, slots=True)
class Advance:
    """The result of running a step: the new state, the step, the next timer, what to cancel."""

    escalation: Escalation
    run: StepRun
    timer: JobRequest | None
    cancel_keys: tuple[str, ...]


def step_key(incident_id: int, seq: int) -> str:
    return f"escalation:{incident_id}:{seq}"


def begin(
    incident_id: int, policy: Policy, *, generation: int, at: datetime, previous: Escalation | None = None
) -> Advance:
    """Freeze ``policy`` and run its step 1 now. ``previous`` (a re-plan) keeps the counters,
    so tokens and batches stay unique for the incident."""
    if previous is None:
        fresh = Escalation(incident_id=incident_id, policy=policy)
    else:
        fresh = replace(previous, policy=policy, status=Status.ACTIVE, position=0, stop_reason="")
    cancel = _pending(previous)
    advance = _run(fresh, generation=generation, at=at, reason="incident opened", schedule=True)
    return replace(advance, cancel_keys=cancel)


def fire(
    escalation: Escalation, *, seq: int, generation: int, incident_generation: int, at: datetime
) -> Advance | None:
    """The step timer fired. None when it is stale or early: the incident moved on (ack,
    resolve, severity change), another step ran since, or the escalation stopped."""
    stale = seq != escalation.seq or generation != incident_generation
    waiting = escalation.next_step_at is not None and at < escalation.next_step_at
    if stale or waiting or escalation.status is Status.STOPPED or escalation.next_step_at is None:
        return None
    advance = _run(
        escalation,
        generation=generation,
        at=at,
        reason="not acknowledged in time",
        schedule=True,
        due_at=escalation.next_step_at,
    )
    return replace(advance, cancel_keys=())  # the pending timer is the one running now


def on_breach(
    escalation: Escalation, *, generation: int, incident_generation: int, due_at: datetime, at: datetime
) -> Advance | None:
    """The response time ran out: escalate now, unless a step already ran at or after the
    deadline (the step timer and the breach often fire together) or the escalation is over."""
    if generation != incident_generation or escalation.status is Status.STOPPED:
        return None
    if escalation.last_step_at is not None and escalation.last_step_at >= due_at:
        return None
    return _run(
        escalation,
        generation=generation,
        at=at,
        reason="response time breached",
        schedule=True,
        due_at=due_at,
    )


def escalate_now(escalation: Escalation, *, generation: int, at: datetime, by: str) -> Advance:
    """Run the next step by hand (the last one again when none is left). A stopped escalation
    (acknowledged) pages once and stays stopped."""
    active = escalation.status is Status.ACTIVE
    return _run(escalation, generation=generation, at=at, reason=f"escalated by {by}", schedule=active)


def stop(escalation: Escalation, *, at: datetime, reason: str) -> tuple[Escalation, tuple[str, ...]]:
    """No more steps: the pending timer (if any) is cancelled."""
    del at  # the stop is recorded on the timeline by the caller
    if escalation.status is Status.STOPPED:
        return escalation, ()
    stopped = replace(escalation, status=Status.STOPPED, next_step_at=None, stop_reason=reason)
    return stopped, _pending(escalation)


def replace_policy(escalation: Escalation, policy: Policy) -> Escalation:
    """Freeze another policy without running anything (a severity change after the ack)."""
    return replace(escalation, policy=policy, position=0)


def _pending(escalation: Escalation | None) -> tuple[str, ...]:
    if escalation is None or escalation.next_step_at is None:
        return ()
    return (escalation.timer_key,)


def _run(
    escalation: Escalation,
    *,
    generation: int,
    at: datetime,
    reason: str,
    schedule: bool,
    due_at: datetime | None = None,
) -> Advance:
    policy = escalation.policy
    exhausted = escalation.position >= policy.total
    position = escalation.position if exhausted else escalation.position + 1
    index = (position - 1) % len(policy.steps)
    step = policy.steps[index]
    more = schedule and position < policy.total
    advanced = replace(
        escalation,
        position=position,
        seq=escalation.seq + 1,
        last_step_at=at,
        next_step_at=at + step.wait if more else None,
    )
    run = StepRun(
        number=index + 1,
        round=(position - 1) // len(policy.steps) + 1,
        targets=step.targets,
        reason=reason,
        at=at,
        of=len(policy.steps),
        due_at=due_at,
    )
    timer = None
    if more and advanced.next_step_at is not None:
        timer = JobRequest(
            kind=JobKind.ESCALATION_STEP,
            due_at=advanced.next_step_at,
            payload={"incident_id": escalation.incident_id, "generation": generation, "seq": advanced.seq},
            key=advanced.timer_key,
        )
    return Advance(advanced, run, timer, _pending(escalation))


def wait_for_rules(advance: Advance, rules_end: datetime) -> Advance:
    """With ``policy.wait_for_rules``, the next step is due at the later of the step's own wait
    and ``rules_end`` (when its people's rules have run their course)."""
    escalation, timer = advance.escalation, advance.timer
    if not escalation.policy.wait_for_rules or timer is None or escalation.next_step_at is None:
        return advance
    if rules_end <= escalation.next_step_at:
        return advance
    return replace(
        advance,
        escalation=replace(escalation, next_step_at=rules_end),
        timer=replace(timer, due_at=rules_end),
    )
