"""GitHub → tocsin: one webhook delivery (``issues``, ``issue_comment``) applied in one unit of
work, deduplicated on ``X-GitHub-Delivery``.

Closing the incident's issue is recorded on the timeline; it resolves an open incident that
needs no post-mortem and closes a resolved one whose post-mortem is done (or not required). For
one whose post-mortem is still due (P0/P1), the incident stays as it is and a ``github.explain``
job says why on the issue and reopens it. Comments are imported when the settings say so;
tocsin's own comments (they carry a hidden marker) are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tocsin.domain import github as domain
from tocsin.domain.deploy import Deploy
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.services.context import Services
from tocsin.services.github import actions as github_actions
from tocsin.services.github.context import GitHubIssueContext
from tocsin.services.github.ports import GitHub
from tocsin.services.incidents import deploys
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.incidents.incidents import persist
from tocsin.services.incidents.postmortem import closable
from tocsin.services.ports import UnitOfWork

OWN_MARK = "<!-- tocsin-"


def receive_event(
    svc: GitHubIssueContext, *, delivery_id: str, event: str, payload: Mapping[str, Any]
) -> str:
    """Apply one delivery; returns what it did (``duplicate``, ``ignored``, ``resolved``,
    ``closed``, ``kept_open``, ``recorded``, ``imported``, ``action_done``, ``action_reopened``).
    A redelivery changes nothing."""
    gh = svc.github
    if gh is None:
        return "ignored"
    at = svc.clock.now()
    with svc.uow() as uow:
        if not uow.github.record_delivery(delivery_id[:100], event[:50], at):
            return "duplicate"
        outcome = _apply(svc, uow, gh, event, payload, delivery_id=delivery_id, at=at)
        uow.commit()
    return outcome


def _text(value: Any, *keys: str) -> str:
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) else ""


def _apply(
    svc: IncidentsContext,
    uow: UnitOfWork,
    gh: GitHub,
    event: str,
    payload: Mapping[str, Any],
    *,
    delivery_id: str,
    at: datetime,
) -> str:
    repository = _text(payload, "repository", "full_name")
    if event == "deployment_status":
        return _deployment(svc, uow, payload, repository, at)
    issue = payload.get("issue")
    if not isinstance(issue, Mapping) or repository.lower() != gh.tracker.repository.lower():
        return "ignored"
    number = issue.get("number")
    if not isinstance(number, int):
        return "ignored"
    link = uow.github.by_number(gh.tracker.repository, number)
    by = _text(payload, "sender", "login") or "someone"
    action = payload.get("action")
    if link is None:
        if event != "issues":
            return "ignored"
        body = _text(payload, "issue", "body")
        outcome = github_actions.from_github(uow, body=body, number=number, action=str(action), by=by, at=at)
        return outcome or "ignored"
    if event == "issues" and action == "closed":
        return _closed(svc, uow, link.incident_id, number, by, delivery_id=delivery_id, at=at)
    if event == "issue_comment" and action == "created" and gh.import_comments:
        text = _text(payload, "comment", "body")
        if OWN_MARK in text:
            return "ignored"
        incident = uow.incidents.get(IncidentId(link.incident_id), for_update=True)
        persist(svc, uow, domain.comment_from_github(incident, number=number, by=by, text=text, at=at))
        return "imported"
    return "ignored"


def _closed(
    svc: Services, uow: UnitOfWork, incident_id: int, number: int, by: str, *, delivery_id: str, at: datetime
) -> str:
    incident = uow.incidents.get(IncidentId(incident_id), for_update=True)
    result = domain.closed_on_github(
        incident, number=number, by=by, at=at, plan=svc.plan, postmortem_done=closable(svc, uow, incident)
    )
    if result.change is None:
        return "ignored"
    persist(svc, uow, result.change)
    if result.refusal is not None:
        payload = {
            "incident_id": incident_id,
            "number": number,
            "text": result.refusal,
            "delivery": delivery_id[:100],
            "at": at.isoformat(),
        }
        uow.jobs.enqueue(
            [JobRequest(JobKind.GITHUB_EXPLAIN, at, payload, f"github.explain:{delivery_id[:100]}")]
        )
        return "kept_open"
    if result.change.incident.phase is Phase.CLOSED:
        return "closed"
    return (
        "resolved"
        if result.change.incident.resolved_at is not None and incident.resolved_at is None
        else "recorded"
    )


FINAL_STATES = frozenset({"success", "failure", "error"})


def _deployment(
    svc: IncidentsContext, uow: UnitOfWork, payload: Mapping[str, Any], repository: str, at: datetime
) -> str:
    """A GitHub ``deployment_status`` that ended (success, failure, error) is a deploy: the
    service is ``deployment.payload.service`` or the repository's name, the version the ref."""
    status, deployment = payload.get("deployment_status"), payload.get("deployment")
    if not isinstance(status, Mapping) or not isinstance(deployment, Mapping):
        return "ignored"
    state = str(status.get("state", "")).lower()
    if state not in FINAL_STATES:
        return "ignored"
    extra = deployment.get("payload")
    service = extra.get("service") if isinstance(extra, Mapping) else None
    version = _text(deployment, "ref") or _text(deployment, "sha")[:12]
    created = _parse_time(status.get("created_at")) or at
    deploy = Deploy(
        source="github",
        service=str(service or repository.rpartition("/")[2] or "unknown"),
        version=version or "unknown",
        environment=(_text(status, "environment") or _text(deployment, "environment") or "unknown").lower(),
        deployed_at=created,
        received_at=at,
        url=_text(status, "target_url") or _text(status, "log_url") or _text(status, "environment_url"),
        author=_text(status, "creator", "login") or _text(payload, "sender", "login"),
        status=state,
        external_id=f"status-{status.get('id')}",
    )
    stored, _ = deploys.record_in(svc, uow, deploy)
    return "deploy_recorded" if stored is not None else "duplicate"


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
