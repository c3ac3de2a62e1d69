"""``Settings``: the whole of ``tocsin.yaml``, validated, with the plan's defaults underneath.

Cross-references (an escalation target naming a defined role, a member naming a defined person)
are checked once every section is valid. ``load_settings`` asks for them separately (context
``defer_references``) so each one can be reported with its file line.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from tocsin.config.checklists import Checklists
from tocsin.config.defaults import plan_defaults
from tocsin.config.directory import PersonSettings, RoleSettings, ScheduleSettings, TeamSettings
from tocsin.config.escalation import PolicySettings, policy_targets
from tocsin.config.fields import Identifier, did_you_mean, error
from tocsin.config.github import GithubSettings
from tocsin.config.merge import deep_merge
from tocsin.config.notifications import NotificationSettings
from tocsin.config.oncall import schedule_people
from tocsin.config.sections import (
    DatabaseSettings,
    DeploysSettings,
    DiagnosticsSettings,
    GdprSettings,
    LoggingSettings,
    ReportsSettings,
    RunbooksSettings,
    ServerSettings,
    WorkerSettings,
)
from tocsin.config.security import SecuritySettings
from tocsin.config.severities import SeverityKey, SeveritySettings
from tocsin.config.slack import SlackSettings
from tocsin.config.sources import IntakeSettings, SourceSettings
from tocsin.config.statuspage import StatusPageSettings
from tocsin.domain.severity import Plan, Severity

Loc = tuple[str | int, ...]
DEFER_REFERENCES = "defer_references"


def _plan_section(name: str) -> Any:
    return lambda: plan_defaults()[name]


class Settings(BaseModel):
    """Everything tocsin reads from ``tocsin.yaml`` and ``TOCSIN_*`` variables.

    Missing sections and keys take the plan's defaults; a partial severity (say only
    ``P1.response_time``) keeps the rest of that level.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    severities: dict[SeverityKey, SeveritySettings] = Field(
        default_factory=_plan_section("severities"), validate_default=True
    )
    gdpr: GdprSettings = Field(default_factory=GdprSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    reports: ReportsSettings = Field(default_factory=ReportsSettings)
    diagnostics: DiagnosticsSettings = Field(default_factory=DiagnosticsSettings)
    runbooks: RunbooksSettings = Field(default_factory=RunbooksSettings)
    deploys: DeploysSettings = Field(default_factory=DeploysSettings)
    checklists: Checklists = Field(
        default_factory=dict, description="A phase's own checklist lines (default: the plan's)."
    )
    people: dict[Identifier, PersonSettings] = Field(default_factory=dict)
    roles: dict[Identifier, RoleSettings] = Field(
        default_factory=_plan_section("roles"), validate_default=True
    )
    teams: dict[Identifier, TeamSettings] = Field(
        default_factory=_plan_section("teams"), validate_default=True
    )
    schedules: dict[Identifier, ScheduleSettings] = Field(
        default_factory=_plan_section("schedules"), validate_default=True
    )
    sources: dict[Identifier, SourceSettings] = Field(
        default_factory=dict, description="Alert intake sources by name: POST /hooks/<kind>/<name>."
    )
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    escalation: dict[SeverityKey, PolicySettings] = Field(
        default_factory=_plan_section("escalation"), validate_default=True
    )
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    statuspage: StatusPageSettings = Field(default_factory=StatusPageSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    github: GithubSettings = Field(default_factory=GithubSettings)

    @model_validator(mode="before")
    @classmethod
    def _over_plan_defaults(cls, data: Any) -> Any:
        """Lay the input over the plan's defaults; an empty section (``people:``) changes nothing."""
        if not isinstance(data, dict):
            return data
        sections = {key: value for key, value in data.items() if value is not None}
        defaults = plan_defaults()
        for name, value in sections.items():
            if name in defaults and isinstance(value, dict):
                sections[name] = deep_merge(defaults[name], value)
        return sections

    @field_validator("severities")
    @classmethod
    def _every_severity(cls, value: dict[Severity, SeveritySettings]) -> dict[Severity, SeveritySettings]:
        missing = [s.value for s in Severity if s not in value]
        if missing:
            raise error("severity", f"no level defined for {', '.join(missing)}")
        return {severity: value[severity] for severity in Severity}

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(DEFER_REFERENCES):
            return self
        problems = reference_problems(self)
        if problems:
            raise ValueError("; ".join(f"{dotted(loc)}: {message}" for loc, message in problems))
        return self

    def plan(self) -> Plan:
        """The domain's view of the plan: one ``SeverityLevel`` per severity, GDPR terms."""
        return Plan(
            levels=tuple(self.severities[s].to_domain(s) for s in Severity),
            gdpr_authority=self.gdpr.authority,
            gdpr_notification_deadline=self.gdpr.notification_deadline,
        )

    def members_of(self, target: str) -> list[str]:
        """Person ids behind an escalation target such as ``role:cto`` (``[]`` if undefined)."""
        kind, _, ident = target.partition(":")
        if kind == "person":
            return [ident] if ident in self.people else []
        if kind == "schedule":
            schedule = self.schedules.get(ident)
            return schedule.everyone if schedule is not None else []
        group = (self.roles if kind == "role" else self.teams if kind == "team" else {}).get(ident)
        return list(group.members) if group is not None else []


def dotted(loc: Loc) -> str:
    """``("severities", "P0", "escalate_to", 1)`` -> ``severities.P0.escalate_to[1]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":
            text += f".{part}" if text else str(part)
    return text


def reference_problems(settings: Settings) -> list[tuple[Loc, str]]:
    """Every id that names nothing: escalation targets, role/team members, participants."""
    defined: dict[str, list[str]] = {
        "role": list(settings.roles),
        "schedule": list(settings.schedules),
        "team": list(settings.teams),
        "person": list(settings.people),
    }
    targets: list[tuple[Loc, str]] = [
        (("severities", severity.value, "escalate_to", i), target)
        for severity, level in settings.severities.items()
        for i, target in enumerate(level.escalate_to)
    ]
    targets += policy_targets(settings)  # escalation.<severity>.steps[i].targets[j]
    targets += [(loc, f"person:{person}") for loc, person in schedule_people(settings.schedules)]
    if settings.gdpr.dpo:
        targets.append((("gdpr", "dpo"), f"person:{settings.gdpr.dpo}"))
    problems: list[tuple[Loc, str]] = []
    for loc, target in targets:
        kind, _, ident = target.partition(":")
        problem = _undefined(kind, ident, defined[kind])
        if problem:
            problems.append((loc, problem))
    groups: list[tuple[str, dict[str, Any], str]] = [
        ("roles", settings.roles, "members"),
        ("teams", settings.teams, "members"),
        ("schedules", settings.schedules, "participants"),
    ]
    for section, entries, field in groups:
        for ident, entry in entries.items():
            for i, person in enumerate(getattr(entry, field)):
                problem = _undefined("person", person, defined["person"])
                if problem:
                    problems.append(((section, ident, field, i), problem))
    return problems


def _undefined(kind: str, ident: str, defined: list[str]) -> str | None:
    if ident in defined:
        return None
    hint = did_you_mean(ident, defined)
    if not hint:
        hint = f" (defined: {', '.join(sorted(defined))})" if defined else f" (no {kind} is defined)"
    return f"{kind} {ident!r} is not defined{hint}"
