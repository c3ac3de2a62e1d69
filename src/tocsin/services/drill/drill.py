"""``tocsin drill``: a synthetic incident run through the real pipeline, step by step.

The alert goes through intake (a drill source), the responders' steps through the same use
cases the web, API, CLI and Slack call, and the jobs they imply through the real worker
handlers (the entrypoint's ``Driver.run_jobs``), so Slack, GitHub, e-mail and the status page
are exercised as configured. Every step is timed, and every integration the configuration
promises must answer within ``Driver.timeout`` seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from tocsin.domain import drill as domain
from tocsin.domain import postmortem as pm_domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import Alert, AlertStatus, Notification
from tocsin.domain.errors import Conflict
from tocsin.domain.incident import Impact, Incident, IncidentId
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.context import Services
from tocsin.services.drill.checks import Check, Expectation, expectations, skipped
from tocsin.services.drill.context import DrillContext
from tocsin.services.github.context import GitHubActionsContext
from tocsin.services.incidents import incidents, postmortem
from tocsin.services.incidents.postmortem_edit import Edit
from tocsin.services.intake.ingest import ingest_alerts
from tocsin.services.statuspage import statuspage
from tocsin.services.statuspage.context import StatusPageContext

POLICY = SourcePolicy(name=domain.SOURCE, kind=SourceKind.GENERIC, drill=True)


@dataclass(frozen=True, slots=True)
class Driver:
    """How the drill gets the worker's jobs done and waits, given by the entrypoint.

    ``run_jobs`` runs the jobs due now (a worker's ``run_once``) and says how many it claimed;
    another worker (``tocsin serve``'s embedded one) may take some first, which is fine."""

    run_jobs: Callable[[], int]
    monotonic: Callable[[], float]
    sleep: Callable[[float], None]
    timeout: float = 30.0
    poll: float = 0.1


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the plan: ``at`` seconds after the drill began, taking ``took`` seconds."""

    name: str
    text: str
    at: float
    took: float


@dataclass(frozen=True, slots=True)
class DrillRun:
    incident_id: IncidentId
    severity: Severity
    title: str
    steps: Sequence[Step]
    checks: Sequence[Check]
    closed: bool
    report: str

    @property
    def ok(self) -> bool:
        """Every integration the configuration promises answered in time."""
        return all(check.answered for check in self.checks if check.expected)


@dataclass
class _Run:
    svc: Services
    driver: Driver
    started: float
    steps: list[Step] = field(default_factory=list)
    expected: list[Expectation] = field(default_factory=list)
    first: dict[str, float] = field(default_factory=dict)
    answers: dict[str, str | None] = field(default_factory=dict)

    def elapsed(self) -> float:
        return self.driver.monotonic() - self.started

    def step(self, name: str, text: str, action: Callable[[], object]) -> None:
        began = self.elapsed()
        action()
        self.drain()
        self.steps.append(Step(name, text, began, self.elapsed() - began))

    def drain(self) -> None:
        """Run the jobs due now until none is left (a failing one waits for its retry)."""
        while self.driver.run_jobs() > 0:
            pass
        self.probe()

    def probe(self) -> None:
        with self.svc.read() as uow:
            for e in self.expected:
                answer = e.probe(uow)
                self.answers[e.integration] = answer
                if answer is not None:
                    self.first.setdefault(e.integration, self.elapsed())

    def settle(self) -> None:
        """Wait (running due jobs) until every integration answered, or the timeout."""
        deadline = self.driver.monotonic() + self.driver.timeout
        self.drain()
        while not all(self.answers.get(e.integration) for e in self.expected):
            if self.driver.monotonic() >= deadline:
                return
            self.driver.sleep(self.driver.poll)
            self.drain()

    def checks(self) -> list[Check]:
        return [
            Check(
                e.integration,
                e.question,
                self.answers.get(e.integration) is not None,
                self.answers.get(e.integration) or f"no answer within {self.driver.timeout:g} s",
                self.first.get(e.integration),
            )
            for e in self.expected
        ]


def _alert(scenario: domain.Scenario, severity: Severity, at: datetime, run_key: str) -> Notification:
    labels = {
        "alertname": scenario.alertname,
        "severity": severity.value,
        "service": scenario.service,
        "drill": "true",
    }
    annotations = {"summary": scenario.summary, "description": scenario.description}
    fingerprint = hashlib.sha256(f"drill:{run_key}".encode()).hexdigest()[:16]
    alert = Alert(fingerprint, AlertStatus.FIRING, labels, annotations, starts_at=at, severity=severity)
    return Notification(source=domain.SOURCE, group_key=f"drill:{run_key}", alerts=(alert,))


def run(
    svc: DrillContext,
    driver: Driver,
    *,
    severity: Severity = Severity.P1,
    keep: bool = False,
    scenario: domain.Scenario = domain.PLAN_EXAMPLE,
    by: Actor,
) -> DrillRun:
    """Play ``scenario``: alert → acknowledge → root cause → mitigation → resolved → post-mortem
    draft, then (unless ``keep``) complete the post-mortem and close the drill."""
    by.require(Role.RESPONDER, "running a drill")
    run_ = _Run(svc, driver, driver.monotonic())
    at = svc.clock.now()
    opened: list[IncidentId] = []

    def fire() -> None:
        result = ingest_alerts(svc, POLICY, _alert(scenario, severity, at, at.isoformat()))
        assert result.incident_id is not None  # a drill's group is new: it always opens
        opened.append(result.incident_id)
        with svc.read() as uow:
            incident = uow.incidents.get(result.incident_id)
            run_.expected = expectations(svc, uow, incident)

    run_.step("alert", f"Alert fired: {scenario.summary} ({severity.value})", fire)
    incident_id = opened[0]
    run_.settle()  # the opening's announcements and pages: what a drill is for
    run_.step(
        "acknowledge",
        "Incident acknowledged",
        lambda: incidents.acknowledge_incident(svc, incident_id, by=by),
    )
    impact = Impact(components_down=scenario.components_down, features_down=(scenario.service,))
    run_.step(
        "triage",
        f"Impact assessed: {', '.join(scenario.components_down)} down",
        lambda: incidents.assess_impact(svc, incident_id, impact, by=by),
    )
    run_.step(
        "root_cause",
        f"Root cause identified: {scenario.root_cause}",
        lambda: incidents.add_note(svc, incident_id, scenario.root_cause, kind=NoteKind.ROOT_CAUSE, by=by),
    )
    run_.step(
        "mitigation",
        f"Mitigation: {scenario.mitigation}",
        lambda: incidents.add_note(svc, incident_id, scenario.mitigation, kind=NoteKind.MITIGATION, by=by),
    )
    run_.step(
        "resolve",
        f"Resolved: {scenario.resolution}",
        lambda: incidents.resolve_incident(svc, incident_id, summary=scenario.resolution, by=by),
    )
    run_.step(
        "postmortem",
        f"Post-mortem draft: root cause, 5 Whys, {len(scenario.action_items)} action items",
        lambda: _draft_postmortem(svc, incident_id, scenario, by),
    )
    refusal = _try_to_publish(svc, incident_id, by)
    if not keep:
        run_.step("close", "Post-mortem completed, drill closed", lambda: _close(svc, incident_id, by))
    run_.settle()  # the FYIs of the later steps, the sync, the card's updates
    checks = [*run_.checks(), *skipped(svc, _incident(svc, incident_id), run_.expected)]
    checks = [_with_refusal(c, refusal) for c in checks]
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        report = postmortem.report_in(svc, uow, incident_id)
    return DrillRun(
        incident_id,
        severity,
        domain.title(incident),
        tuple(run_.steps),
        tuple(checks),
        incident.closed_at is not None,
        report,
    )


def _incident(svc: Services, incident_id: IncidentId) -> Incident:
    with svc.read() as uow:
        return uow.incidents.get(incident_id)


def _draft_postmortem(
    svc: GitHubActionsContext, incident_id: IncidentId, scenario: domain.Scenario, by: Actor
) -> None:
    """The plan's template filled in: root cause, the 5 Whys, the action items."""
    postmortem.start(svc, incident_id, by=by)  # P0/P1 got one when resolved; P2/P3 start it here
    items = tuple(pm_domain.ActionItem(0, title) for title in scenario.action_items)
    whys = tuple(pm_domain.Why(why, because) for why, because in scenario.whys)
    summary = f"{domain.PREFIX} {scenario.summary}: {scenario.root_cause}; {scenario.mitigation.lower()}."
    edit = Edit(summary=summary, root_cause=scenario.root_cause_detail, whys=whys, action_items=items)
    drafted = postmortem.edit(svc, incident_id, edit, by=by)
    first = drafted.action_items[0].id
    postmortem.edit(svc, incident_id, Edit(why_actions=(first,)), by=by)


def _try_to_publish(svc: StatusPageContext, incident_id: IncidentId, by: Actor) -> str | None:
    """The public status page must refuse the drill: the refusal's message, or None if it posted."""
    try:
        statuspage.post_status_update(svc, incident_id, status=UpdateStatus.INVESTIGATING, by=by)
    except Conflict as refused:
        return refused.detail
    return None


def _with_refusal(check: Check, refusal: str | None) -> Check:
    if check.integration != "statuspage":
        return check
    if refusal is None:
        return replace(check, answered=False, detail="the status page PUBLISHED the drill")
    return replace(check, detail=f"{check.detail}; publishing refused")


def _close(svc: GitHubActionsContext, incident_id: IncidentId, by: Actor) -> None:
    postmortem.complete(svc, incident_id, by=by)
    incidents.close_incident(svc, incident_id, by=by)
