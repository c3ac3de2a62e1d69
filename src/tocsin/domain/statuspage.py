"""The public status page: components, public incidents and their updates. Pure.

Vocabulary and enums are Atlassian Statuspage's (component ``status``, incident ``status`` and
``impact``) so the v2 JSON can be served without translation tables. An update renders exactly
as the plan's Status Page Update template::

    🔴 **Investigating** - We are currently investigating issues with login functionality.
    Posted: 2025-11-10 14:30 UTC
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.severity import Severity

MAX_BODY = 5_000


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class UpdateStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def icon(self) -> str:
        return _ICONS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The plan's template gives 🔴 🟡 🟢; monitoring (a fix is in, we are watching) sits between
# identified and resolved, so it takes the blue circle.
_ICONS = {
    UpdateStatus.INVESTIGATING: "🔴",
    UpdateStatus.IDENTIFIED: "🟡",
    UpdateStatus.MONITORING: "🔵",
    UpdateStatus.RESOLVED: "🟢",
}

IMPACT_OF: Mapping[Severity, str] = {
    Severity.P0: "critical",
    Severity.P1: "major",
    Severity.P2: "minor",
    Severity.P3: "none",
}

COMPONENT_STATUS_OF: Mapping[Severity, ComponentStatus] = {
    Severity.P0: ComponentStatus.MAJOR_OUTAGE,
    Severity.P1: ComponentStatus.PARTIAL_OUTAGE,
    Severity.P2: ComponentStatus.DEGRADED_PERFORMANCE,
    Severity.P3: ComponentStatus.OPERATIONAL,
}

DRAFT_INVESTIGATING = "We are currently investigating issues with {what}."


@dataclass(frozen=True, slots=True)
class Component:
    """A component from configuration; ``public=False`` ones never reach the public page."""

    key: str
    name: str
    description: str = ""
    group: str = ""
    public: bool = True
    position: int = 0


@dataclass(frozen=True, slots=True)
class ComponentChange:
    key: str
    name: str
    old_status: ComponentStatus
    new_status: ComponentStatus


@dataclass(frozen=True, slots=True)
class PublicUpdate:
    id: str
    status: UpdateStatus
    body: str
    posted_at: datetime
    affected: tuple[ComponentChange, ...] = ()

    def render(self) -> str:
        """Two lines, exactly as the plan's Status Page Update template."""
        return (
            f"{self.status.icon} **{self.status.label}** - {self.body}\n"
            f"Posted: {self.posted_at:%Y-%m-%d %H:%M} UTC"
        )


@dataclass(frozen=True, slots=True)
class PublicIncident:
    """What the public sees of one tocsin incident. ``draft_body`` is a prepared, unpublished
    "Investigating" text; the incident is public once it has one posted update."""

    id: str
    incident_id: int
    name: str
    impact: str
    status: UpdateStatus
    created_at: datetime
    updated_at: datetime
    components: tuple[str, ...] = ()
    updates: tuple[PublicUpdate, ...] = ()
    draft_body: str = ""
    first_posted_at: datetime | None = None
    monitoring_at: datetime | None = None
    resolved_at: datetime | None = None

    @property
    def published(self) -> bool:
        return bool(self.updates)

    @property
    def resolved(self) -> bool:
        return self.status is UpdateStatus.RESOLVED

    def render(self) -> str:
        """Every posted update, oldest first, exactly as the plan's template lists them."""
        return "\n".join(u.render() for u in self.chronological())

    def chronological(self) -> tuple[PublicUpdate, ...]:
        return tuple(sorted(self.updates, key=lambda u: u.posted_at))


_NAME_OF = {
    Severity.P0: "Major outage",
    Severity.P1: "Partial outage",
    Severity.P2: "Degraded performance",
    Severity.P3: "Minor issue",
}


def draft(
    public_id: str,
    *,
    incident_id: int,
    severity: Severity,
    component_names: Sequence[str],
    components: Sequence[str] = (),
    at: datetime,
) -> PublicIncident:
    """The unpublished public incident prepared when a P0/P1 opens.

    Its name and text are built from public facts only (the severity and the configured
    component names), never from the internal title, which may carry hostnames or alert names.
    """
    names = ", ".join(component_names)
    what = names or "our service"
    return PublicIncident(
        id=public_id,
        incident_id=incident_id,
        name=f"{_NAME_OF[severity]}: {names}" if names else _NAME_OF[severity],
        impact=IMPACT_OF[severity],
        status=UpdateStatus.INVESTIGATING,
        created_at=at,
        updated_at=at,
        components=tuple(components),
        draft_body=DRAFT_INVESTIGATING.format(what=what),
    )


def rename(public: PublicIncident, name: str) -> PublicIncident:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise InvalidInput("name: 1 to 200 characters")
    return replace(public, name=cleaned)


def clean_body(body: str) -> str:
    cleaned = " ".join(body.split())
    if not cleaned:
        raise InvalidInput("message: must not be empty")
    if len(cleaned) > MAX_BODY:
        raise InvalidInput(f"message: at most {MAX_BODY} characters (got {len(cleaned)})")
    return cleaned


def target_statuses(
    status: UpdateStatus,
    severity: Severity,
    components: Sequence[str],
    overrides: Mapping[str, ComponentStatus],
) -> dict[str, ComponentStatus]:
    """The component statuses an update sets: the severity's default for each affected
    component (operational once resolved), then the per-update overrides."""
    default = (
        ComponentStatus.OPERATIONAL if status is UpdateStatus.RESOLVED else COMPONENT_STATUS_OF[severity]
    )
    targets = dict.fromkeys(components, default)
    targets.update(overrides)
    return targets


def post(
    public: PublicIncident,
    update_id: str,
    *,
    status: UpdateStatus,
    body: str,
    changes: Sequence[ComponentChange],
    at: datetime,
) -> PublicIncident:
    """Append a posted update. A resolved public incident takes no further update."""
    if public.resolved:
        raise InvalidTransition(f"public incident {public.id} is already resolved")
    update = PublicUpdate(update_id, status, clean_body(body), at, tuple(changes))
    components = tuple(dict.fromkeys([*public.components, *(c.key for c in changes)]))
    return replace(
        public,
        status=status,
        updated_at=at,
        updates=(*public.updates, update),
        components=components,
        draft_body="",
        first_posted_at=public.first_posted_at or at,
        monitoring_at=at if status is UpdateStatus.MONITORING else public.monitoring_at,
        resolved_at=at if status is UpdateStatus.RESOLVED else None,
    )


_RANK = {
    ComponentStatus.OPERATIONAL: 0,
    ComponentStatus.UNDER_MAINTENANCE: 1,
    ComponentStatus.DEGRADED_PERFORMANCE: 2,
    ComponentStatus.PARTIAL_OUTAGE: 3,
    ComponentStatus.MAJOR_OUTAGE: 4,
}


def worst(statuses: Sequence[ComponentStatus]) -> ComponentStatus:
    return max(statuses, key=_RANK.__getitem__, default=ComponentStatus.OPERATIONAL)


@dataclass(frozen=True, slots=True)
class Indicator:
    indicator: str
    description: str


_BY_COMPONENT = {
    ComponentStatus.MAJOR_OUTAGE: Indicator("critical", "Major Service Outage"),
    ComponentStatus.PARTIAL_OUTAGE: Indicator("major", "Partial System Outage"),
    ComponentStatus.DEGRADED_PERFORMANCE: Indicator("minor", "Minor Service Outage"),
    ComponentStatus.UNDER_MAINTENANCE: Indicator("maintenance", "Service Under Maintenance"),
    ComponentStatus.OPERATIONAL: Indicator("none", "All Systems Operational"),
}
_IMPACT_RANK = {"none": 0, "minor": 1, "major": 2, "critical": 3}
_BY_IMPACT = {
    "critical": ComponentStatus.MAJOR_OUTAGE,
    "major": ComponentStatus.PARTIAL_OUTAGE,
    "minor": ComponentStatus.DEGRADED_PERFORMANCE,
    "none": ComponentStatus.OPERATIONAL,
}


def rollup(components: Sequence[ComponentStatus], impacts: Sequence[str]) -> Indicator:
    """The page's overall status: the worst component status or unresolved-incident impact
    (WIRE-FORMATS.md §2e; Statuspage does not publish its own rule)."""
    impact = max(impacts, key=_IMPACT_RANK.__getitem__, default="none")
    return _BY_COMPONENT[worst([*components, _BY_IMPACT[impact]])]
