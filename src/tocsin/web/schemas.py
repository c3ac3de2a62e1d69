"""Request bodies of the REST API's incidents (pydantic), the value types every body shares,
and ``Problem``, the shape of every error. The incident as it is rendered: ``incident_out``.

Requests forbid unknown fields so a misspelt field is a 422 naming it rather than silently
ignored. Severity accepts ``p1`` as well as ``P1``, like ``Severity.parse``.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tocsin.domain.incident import MAX_TEXT, MAX_TITLE, Impact, Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.services.ports import IncidentFilter, IncidentKey
from tocsin.web.api import MAX_INT


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _utc(value: datetime) -> datetime:
    """Render every timestamp in UTC (``...Z``); the storage layer must hand back aware values."""
    return value.astimezone(UTC) if value.tzinfo is not None else value


SeverityIn = Annotated[Severity, BeforeValidator(_upper)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Label = Annotated[str, Field(min_length=1, max_length=200)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(_Request):
    title: Title
    severity: SeverityIn
    summary: Text = ""
    security: bool = Field(
        default=False,
        description="a security incident: its details are restricted to the security role and admins "
        "from the start, and the plan's security procedure applies",
    )


class SecurityRequest(_Request):
    reason: Text = Field(default="", description="why (recorded on the timeline)")


def encode_cursor(incident: Incident) -> str:
    """An incident's place in the list's order, as an opaque token."""
    key = f"{incident.severity.value}|{incident.detected_at.astimezone(UTC).isoformat()}|{incident.id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> IncidentKey:
    """Raise ``ValueError`` naming the problem if ``cursor`` is not one ``encode_cursor`` made."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        severity, detected, number = text.split("|")
        at = datetime.fromisoformat(detected)
        key = IncidentKey(Severity(severity), at, int(number))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor from a previous page's next_cursor") from None
    if at.tzinfo is None:
        raise ValueError("not a cursor from a previous page's next_cursor")
    return key


def _checked_cursor(value: str) -> str:
    decode_cursor(value)
    return value


class IncidentQuery(_Request):
    """Filters and page of ``GET /incidents``; unknown query parameters are refused."""

    open: bool | None = Field(default=None, description="only open (true) or only not open (false)")
    severity: SeverityIn | None = None
    phase: Phase | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=MAX_INT)
    cursor: Annotated[str, AfterValidator(_checked_cursor)] | None = Field(
        default=None,
        max_length=200,
        description="the previous page's ``next_cursor``: the page after it (``offset`` then counts "
        "from there); cheaper than a deep ``offset``",
    )

    def to_filter(self) -> IncidentFilter:
        return IncidentFilter(
            open=self.open,
            severity=self.severity,
            phase=self.phase,
            limit=self.limit,
            offset=self.offset,
            after=None if self.cursor is None else decode_cursor(self.cursor),
        )


class IncidentUpdate(_Request):
    """At least one of ``severity`` and ``title``; ``reason`` is recorded with a severity change."""

    severity: SeverityIn | None = None
    title: Title | None = None
    reason: Text = ""


class ResolveRequest(_Request):
    summary: Text = ""


class ReopenRequest(_Request):
    reason: Text = ""


def _unknown(value: object) -> object:
    return None if isinstance(value, str) and value.strip().lower() == "unknown" else value


class ImpactIn(_Request):
    users_affected: Annotated[Annotated[int, Field(ge=0, le=MAX_INT)] | None, BeforeValidator(_unknown)] = (
        Field(description='how many users are affected: a number, or "unknown" (an answer is required)')
    )
    features_down: list[Label] = Field(default_factory=list, max_length=100)
    components_down: list[Label] = Field(default_factory=list, max_length=100)
    security_risk: bool = False
    data_risk: bool = False

    def to_domain(self) -> Impact:
        return Impact(
            users_affected=self.users_affected,
            features_down=tuple(self.features_down),
            components_down=tuple(self.components_down),
            security_risk=self.security_risk,
            data_risk=self.data_risk,
        )


class NoteCreate(_Request):
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    kind: NoteKind | None = Field(
        default=None,
        description="observation, hypothesis, root_cause, mitigation or decision: a typed note reads "
        "“Root cause identified: …”, “Mitigation: …” on the timeline and in the Incident Report",
    )


class Problem(BaseModel):
    """RFC 9457 problem details, as every error is returned (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="invalid input: one item per field at fault: `field`, `message`, and where known "
        "`in` (body, query, path) and `allowed` (the allowed values)",
    )
