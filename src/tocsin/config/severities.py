"""One row of the plan's severity table, as written in ``tocsin.yaml``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from tocsin.config.fields import Duration, OptionalDuration, StringList, TargetList, error
from tocsin.config.sections import Section
from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity, SeverityLevel


class SeveritySettings(Section):
    name: str = Field(min_length=1, description="The plan's word for the level: Critical, High, …")
    impact: str = Field(min_length=1)
    examples: StringList = Field(default_factory=list)
    response_time: Duration = Field(description="Time allowed to acknowledge, e.g. 15m.")
    escalate_to: TargetList = Field(
        default_factory=list, description="Who is notified: role:cto, schedule:sre_oncall, team:dev…"
    )
    status_page: bool = Field(default=False, description="Publish on the public status page.")
    customer_email_after: OptionalDuration = Field(
        default=None, description="Email users when still unresolved after this long; null: never."
    )
    postmortem_due_after: OptionalDuration = Field(
        default=None, description="Post-mortem due this long after resolution; null: not required."
    )

    @field_validator("response_time")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise error("duration", "must be longer than zero")
        return value

    def to_domain(self, severity: Severity) -> SeverityLevel:
        return SeverityLevel(
            severity=severity,
            name=self.name,
            impact=self.impact,
            examples=tuple(self.examples),
            response_time=self.response_time,
            escalate_to=tuple(self.escalate_to),
            status_page=self.status_page,
            customer_email_after=self.customer_email_after,
            postmortem_due_after=self.postmortem_due_after,
        )


def _severity(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return Severity.parse(value)
    except InvalidInput as exc:
        raise error("severity", exc.detail) from None


SeverityKey = Annotated[Severity, BeforeValidator(_severity)]
"""``P0``…``P3``, any case."""
