"""Request and response bodies of the breach API (GDPR Art. 33/34)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tocsin.domain.breach import Assessment, Method, Notice, NoticeKind, Risk
from tocsin.domain.breach_commands import MAX_COUNT
from tocsin.domain.breach_communication import DeliveryState, Recipient, Summary
from tocsin.domain.incident import MAX_TEXT
from tocsin.services.security.breach_communication import CommunicationView
from tocsin.services.security.breaches import BreachView
from tocsin.web.incident_out import BreachClockOut
from tocsin.web.schemas import UtcDatetime

Label = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssessmentIn(_Request):
    """The whole assessment: a field left out takes its default (a full replacement)."""

    aware_at: AwareDatetime | None = Field(
        default=None, description="when the controller became aware; default: now (new record) or unchanged"
    )
    personal_data: bool = Field(default=True, description="whether personal data is involved")
    data_categories: list[Label] = Field(default_factory=list, max_length=50)
    subject_categories: list[Label] = Field(default_factory=list, max_length=50)
    subjects_approx: Count | None = Field(default=None, description="approximate number of data subjects")
    records_approx: Count | None = Field(default=None, description="approximate number of records")
    consequences: Text = ""
    measures: Text = Field(default="", description="measures taken or proposed, including mitigation")
    risk: Risk | None = Field(default=None, description="none, risk or high; null while being assessed")
    risk_rationale: Text = ""
    delay_reasons: Text | None = Field(
        default=None, description="required once the deadline passed without notification (Art. 33(1))"
    )

    def to_domain(self) -> Assessment:
        return Assessment(
            personal_data=self.personal_data,
            data_categories=tuple(self.data_categories),
            subject_categories=tuple(self.subject_categories),
            subjects_approx=self.subjects_approx,
            records_approx=self.records_approx,
            consequences=self.consequences,
            measures=self.measures,
            risk=self.risk,
            rationale=self.risk_rationale,
        )


class NoticeIn(_Request):
    kind: NoticeKind = NoticeKind.INITIAL
    at: AwareDatetime | None = Field(default=None, description="when it was notified; default: now")
    method: Method
    reference: Annotated[str, Field(max_length=200)] = ""
    note: Text = ""
    delay_reasons: Text | None = None


class MessageIn(_Request):
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class SendIn(_Request):
    retry_failed: bool = Field(default=False, description="put the failed addresses back in the queue first")


class NoticeOut(BaseModel):
    kind: NoticeKind
    at: UtcDatetime
    method: Method
    reference: str
    authority: str
    note: str
    recorded_by: str

    @classmethod
    def render(cls, n: Notice) -> NoticeOut:
        return cls(
            kind=n.kind,
            at=n.at,
            method=n.method,
            reference=n.reference,
            authority=n.authority,
            note=n.note,
            recorded_by=n.recorded_by,
        )


class ContactOut(BaseModel):
    name: str
    email: str


class BreachOut(BreachClockOut):
    incident_id: int
    authority_name: str
    remaining_seconds: float
    late: bool
    personal_data: bool
    data_categories: list[str]
    subject_categories: list[str]
    subjects_approx: int | None
    records_approx: int | None
    consequences: str
    measures: str
    risk: Risk | None
    risk_rationale: str
    delay_reasons: str
    dpo: ContactOut | None
    notifications: list[NoticeOut]
    created_at: UtcDatetime
    created_by: str
    updated_at: UtcDatetime
    updated_by: str

    @classmethod
    def of(cls, view: BreachView, deadline_late: bool) -> BreachOut:
        b, a, clock = view.breach, view.breach.assessment, view.clock
        return cls(
            incident_id=b.incident_id,
            aware_at=clock.aware_at,
            notify_by=clock.notify_by,
            state=clock.state,
            authority=clock.authority,
            authority_name=view.authority_name,
            remaining_seconds=clock.remaining.total_seconds(),
            late=deadline_late,
            personal_data=a.personal_data,
            data_categories=list(a.data_categories),
            subject_categories=list(a.subject_categories),
            subjects_approx=a.subjects_approx,
            records_approx=a.records_approx,
            consequences=a.consequences,
            measures=a.measures,
            risk=a.risk,
            risk_rationale=a.rationale,
            delay_reasons=b.delay_reasons,
            dpo=ContactOut(name=view.dpo.name, email=view.dpo.email) if view.dpo else None,
            notifications=[NoticeOut.render(n) for n in b.notices],
            created_at=b.created_at,
            created_by=b.created_by,
            updated_at=b.updated_at,
            updated_by=b.updated_by,
        )


class SummaryOut(BaseModel):
    pending: int
    sent: int
    failed: int
    total: int

    @classmethod
    def render(cls, s: Summary) -> SummaryOut:
        return cls(pending=s.pending, sent=s.sent, failed=s.failed, total=s.total)


class RecipientOut(BaseModel):
    email: str
    name: str
    line: int
    state: DeliveryState
    error: str
    sent_at: UtcDatetime | None

    @classmethod
    def render(cls, r: Recipient) -> RecipientOut:
        return cls(email=r.email, name=r.name, line=r.line, state=r.state, error=r.error, sent_at=r.sent_at)


class CommunicationOut(BaseModel):
    subject: str
    body: str
    drafted: bool = Field(description="false while the text is still the template prefilled from the record")
    can_send: bool = Field(description="an SMTP server is configured (notifications.email)")
    summary: SummaryOut
    recipients: list[RecipientOut]

    @classmethod
    def render(cls, v: CommunicationView) -> CommunicationOut:
        return cls(
            subject=v.subject,
            body=v.body,
            drafted=v.drafted,
            can_send=v.can_send,
            summary=SummaryOut.render(v.summary),
            recipients=[RecipientOut.render(r) for r in v.recipients],
        )


class UploadOut(BaseModel):
    in_file: int
    added: int
    summary: SummaryOut
