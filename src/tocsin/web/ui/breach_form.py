"""The breach forms as the room and the breach page post them, read into use-case arguments.
A value that is not understood is an ``InvalidInput`` naming the field, as the API's 422 does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, TypeVar

from pydantic import BaseModel, StringConstraints

from tocsin.domain.breach import Assessment, Method, NoticeKind, Risk
from tocsin.domain.breach_commands import MAX_COUNT
from tocsin.domain.errors import InvalidInput

Short = Annotated[str, StringConstraints(max_length=2000)]
Long = Annotated[str, StringConstraints(max_length=20_000)]
E = TypeVar("E", Risk, Method, NoticeKind)


def _when(field: str, value: str) -> datetime | None:
    """``2026-11-27T10:00`` from a datetime-local input, read as UTC; empty: ``None``."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field}: not a date and time: {value[:40]!r} (write 2026-11-27T10:00)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _count(field: str, value: str) -> int | None:
    value = value.strip().replace(" ", "").replace(",", "")
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(f"{field}: not a whole number: {value[:40]!r} (leave it empty if unknown)")
    if len(value) > len(str(MAX_COUNT)) or int(value) > MAX_COUNT:
        raise InvalidInput(f"{field}: at most {MAX_COUNT:,}")
    return int(value)


def _labels(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace("\n", ",").split(",") if part.strip())


def _choice(field: str, kind: type[E], value: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise InvalidInput(f"{field}: unknown value {value[:40]!r}: allowed values are {allowed}") from None


class AssessmentForm(BaseModel):
    back: Short = ""
    aware_at: Short = ""
    personal_data: Short = ""
    data_categories: Long = ""
    subject_categories: Long = ""
    subjects_approx: Short = ""
    records_approx: Short = ""
    consequences: Long = ""
    measures: Long = ""
    risk: Short = ""
    risk_rationale: Long = ""
    delay_reasons: Long | None = None

    def aware(self) -> datetime | None:
        return _when("aware_at", self.aware_at)

    def assessment(self) -> Assessment:
        return Assessment(
            personal_data=bool(self.personal_data),
            data_categories=_labels(self.data_categories),
            subject_categories=_labels(self.subject_categories),
            subjects_approx=_count("subjects_approx", self.subjects_approx),
            records_approx=_count("records_approx", self.records_approx),
            consequences=self.consequences,
            measures=self.measures,
            risk=_choice("risk", Risk, self.risk) if self.risk.strip() else None,
            rationale=self.risk_rationale,
        )


class NoticeForm(BaseModel):
    back: Short = ""
    kind: Short = "initial"
    at: Short = ""
    method: Short = "online_form"
    reference: Short = ""
    note: Long = ""
    delay_reasons: Long | None = None

    def when(self) -> datetime | None:
        return _when("at", self.at)

    def notice_kind(self) -> NoticeKind:
        return _choice("kind", NoticeKind, self.kind)

    def how(self) -> Method:
        return _choice("method", Method, self.method)


class MessageForm(BaseModel):
    subject: Short = ""
    body: Long = ""
