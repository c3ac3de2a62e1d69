"""Mapping between domain objects and table rows, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

from sqlalchemy.engine import RowMapping

from tocsin.domain.access import ApiToken, Role
from tocsin.domain.events import JobKind
from tocsin.domain.incident import Impact, Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.ports import Job


def incident_values(incident: Incident) -> dict[str, Any]:
    impact = incident.impact
    return {
        "id": incident.id,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity.value,
        "phase": incident.phase.value,
        "source": incident.source,
        "detected_at": incident.detected_at,
        "declared_by": incident.declared_by,
        "ack_due_at": incident.ack_due_at,
        "response_time_seconds": int(incident.response_time.total_seconds()),
        "acknowledged_at": incident.acknowledged_at,
        "acknowledged_by": incident.acknowledged_by,
        "sla_breached_at": incident.sla_breached_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "postmortem_due_at": incident.postmortem_due_at,
        "users_affected": impact.users_affected,
        "features_down": list(impact.features_down),
        "components_down": list(impact.components_down),
        "security_risk": impact.security_risk,
        "data_risk": impact.data_risk,
        "impact_assessed_at": impact.assessed_at,
        "security": incident.security,
        "generation": incident.generation,
        "drill": incident.drill,
    }


def to_incident(row: Mapping[Any, Any]) -> Incident:
    impact = Impact(
        users_affected=row["users_affected"],
        features_down=tuple(row["features_down"]),
        components_down=tuple(row["components_down"]),
        security_risk=bool(row["security_risk"]),
        data_risk=bool(row["data_risk"]),
        assessed_at=row["impact_assessed_at"],
    )
    return Incident(
        id=IncidentId(row["id"]),
        title=row["title"],
        summary=row["summary"],
        severity=Severity(row["severity"]),
        phase=Phase(row["phase"]),
        source=row["source"],
        detected_at=row["detected_at"],
        declared_by=row["declared_by"],
        ack_due_at=row["ack_due_at"],
        response_time=timedelta(seconds=row["response_time_seconds"]),
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
        sla_breached_at=row["sla_breached_at"],
        resolved_at=row["resolved_at"],
        closed_at=row["closed_at"],
        postmortem_due_at=row["postmortem_due_at"],
        impact=impact,
        security=bool(row["security"]),
        generation=row["generation"],
        drill=bool(row["drill"]),
    )


def job_kind(value: str) -> JobKind:
    """The kind as a ``JobKind``; a kind this version does not know (written by a newer one) is
    kept as its plain string so the worker can report it instead of crashing on it."""
    try:
        return JobKind(value)
    except ValueError:
        return cast(JobKind, value)


def to_job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        kind=job_kind(row["kind"]),
        payload=dict(row["payload"]),
        due_at=row["due_at"],
        status=row["status"],
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        key=row["idempotency_key"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        claim_token=row["claim_token"],
        lease_expires_at=row["lease_expires_at"],
    )


def to_token(row: RowMapping) -> ApiToken:
    return ApiToken(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )
