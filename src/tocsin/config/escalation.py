"""Escalation policies per severity, as written in ``tocsin.yaml``.

A policy is ordered steps and a repeat count::

    escalation:
      P1:
        steps:
          - targets: [schedule:sre_oncall]   # default: the severity's escalate_to
            wait: 1h                         # default: the severity's response time
          - targets: [role:lead_engineer]
        repeat: 0                            # run the whole policy again this many times
        wait_for_rules: false                # true: a step also waits for its people's
                                             # notification rules (sms 2m, call 5m…) to run
                                             # their course: next step at the later of the two

A step without ``targets`` notifies the severity's ``escalate_to``, so plans written before
policies existed (``severities.P1.escalate_to: [...]``) keep paging the same people first. The
plan's defaults: P0 → Lead Engineer + CTO; P1 → the SRE on call, then the Lead Engineer;
P2/P3 → the dev team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from tocsin.config.fields import OptionalDuration, TargetList, error
from tocsin.config.oncall import schedule_errors
from tocsin.config.sections import Section
from tocsin.domain.escalation import Policy, Step
from tocsin.domain.severity import Severity

if TYPE_CHECKING:
    from tocsin.config.schema import Settings

MAX_STEPS = 20
MAX_REPEAT = 10


class StepSettings(Section):
    targets: TargetList | None = Field(
        default=None, description="Who this step notifies; default: the severity's escalate_to."
    )
    wait: OptionalDuration = Field(
        default=None, description="Time before the next step; default: the severity's response time."
    )


class PolicySettings(Section):
    steps: list[StepSettings] = Field(default_factory=lambda: [StepSettings()])
    repeat: int = Field(default=0, ge=0, le=MAX_REPEAT, description="Times to run the policy again.")
    wait_for_rules: bool = Field(
        default=False,
        description="A step also waits for its people's notification rules to run their course "
        "(next step at the later of its wait and their last method).",
    )

    @field_validator("steps")
    @classmethod
    def _some_steps(cls, value: list[StepSettings]) -> list[StepSettings]:
        if not value:
            raise error("steps", "a policy needs at least one step")
        if len(value) > MAX_STEPS:
            raise error("steps", f"at most {MAX_STEPS} steps")
        return value


def policies(settings: Settings) -> Mapping[Severity, Policy]:
    """The domain policies, every default resolved (targets, waits)."""
    result: dict[Severity, Policy] = {}
    for severity in Severity:
        level = settings.severities[severity]
        policy = settings.escalation.get(severity, PolicySettings())
        steps = tuple(
            Step(
                targets=tuple(step.targets if step.targets is not None else level.escalate_to),
                wait=step.wait if step.wait is not None else level.response_time,
            )
            for step in policy.steps
        )
        result[severity] = Policy(
            severity=severity, steps=steps, repeat=policy.repeat, wait_for_rules=policy.wait_for_rules
        )
    return result


def policy_targets(settings: Settings) -> list[tuple[tuple[str | int, ...], str]]:
    """``(location, target)`` of every target written in a policy step."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for severity, policy in settings.escalation.items():
        for i, step in enumerate(policy.steps):
            for j, target in enumerate(step.targets or ()):
                found.append((("escalation", severity.value, "steps", i, "targets", j), target))
    return found


def config_errors(settings: Settings) -> list[str]:
    """What ``tocsin config check`` refuses in the on-call and escalation settings. (Unknown
    people or targets in a policy are refused earlier, when the file loads, with their line.)"""
    used = {
        target.partition(":")[2]
        for p in policies(settings).values()
        for s in p.steps
        for target in s.targets
        if target.startswith("schedule:")
    }
    return schedule_errors(settings.schedules, used)
