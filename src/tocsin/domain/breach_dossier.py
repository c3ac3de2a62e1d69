"""The Art. 33(3) notification dossier, written from the breach record, and the register's rows
(Art. 33(5)). Pure: ``now`` and the GDPR terms are parameters.

The dossier follows the Article's items in order — (a) the nature of the breach with the
categories and approximate numbers of data subjects and records, (b) the DPO's name and
contact details, (c) the likely consequences, (d) the measures taken or proposed including
mitigation — then when the controller became aware, the deadline, the reasons for a delay,
and the notifications made so far (Art. 33(4)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tocsin.domain.breach import Breach, NoticeKind
from tocsin.domain.incident import Incident

UNKNOWN = "not known yet"


@dataclass(frozen=True, slots=True)
class Contact:
    """The data protection officer (``gdpr.dpo``): a person of the directory."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Dossier:
    """What the dossier needs beside the record."""

    incident: Incident
    breach: Breach
    authority: str
    authority_name: str
    deadline: timedelta
    dpo: Contact | None
    controller: str
    now: datetime
    mitigations: Sequence[tuple[datetime, str]] = ()
    """Mitigation notes and ticked mitigation lines of the incident's timeline."""


def _utc(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _number(value: int | None) -> str:
    return UNKNOWN if value is None else f"approximately {value:,}".replace(",", " ")


def _list(values: Sequence[str]) -> str:
    return ", ".join(values) if values else UNKNOWN


def _block(text: str) -> str:
    return text.strip() or f"_{UNKNOWN}_"


def dpo_line(dpo: Contact | None) -> str:
    if dpo is None:
        return "_No data protection officer configured (set `gdpr.dpo` to a person id)._"
    return f"{dpo.name} — {dpo.email}"


def markdown(d: Dossier) -> str:
    b, a, i = d.breach, d.breach.assessment, d.incident
    notify_by = b.notify_by(d.deadline)
    state = b.state(d.deadline, d.now)
    lines = [
        f"# Personal-data breach notification — {d.authority_name} ({d.authority})",
        "",
        f"Incident #{i.id}: {i.title}  ",
        f"Controller: {d.controller or '_not configured (security.breach.controller)_'}  ",
        f"Prepared: {_utc(d.now)} · status: {state.label}",
        "",
        "## When",
        "",
        f"- **Controller became aware**: {_utc(b.aware_at)}",
        f"- **Notification deadline** (GDPR Art. 33(1), {d.deadline.total_seconds() / 3600:g} h): "
        f"{_utc(notify_by)}",
    ]
    if b.late(d.deadline) or (b.initial is None and d.now > notify_by):
        lines.append(f"- **Reasons for the delay** (Art. 33(1)): {_block(b.delay_reasons)}")
    lines += [
        "",
        "## (a) Nature of the personal data breach (Art. 33(3)(a))",
        "",
        f"{_block(i.summary or i.title)}",
        "",
        f"- **Personal data involved**: {'yes' if a.personal_data else 'no'}",
        f"- **Categories of data subjects**: {_list(a.subject_categories)}",
        f"- **Approximate number of data subjects**: {_number(a.subjects_approx)}",
        f"- **Categories of personal data records**: {_list(a.data_categories)}",
        f"- **Approximate number of personal data records**: {_number(a.records_approx)}",
        "",
        "## (b) Data protection officer (Art. 33(3)(b))",
        "",
        f"Name and contact details: {dpo_line(d.dpo)}",
        "",
        "## (c) Likely consequences of the breach (Art. 33(3)(c))",
        "",
        _block(a.consequences),
        "",
        "## (d) Measures taken or proposed, including mitigation (Art. 33(3)(d))",
        "",
        _block(a.measures),
    ]
    if d.mitigations:
        lines += ["", "Mitigation recorded during the response:", ""]
        lines += [f"- {_utc(at)} — {text}" for at, text in d.mitigations]
    risk = a.risk.label if a.risk is not None else "not assessed yet"
    lines += ["", "## Risk to the rights and freedoms of natural persons", "", f"**{risk}**", ""]
    lines += [_block(a.rationale), "", "## Notifications to the supervisory authority (Art. 33(4))", ""]
    if not b.notices:
        lines.append(f"_Not notified yet: notify {d.authority} by {_utc(notify_by)}._")
    for n in b.notices:
        kind = "Initial notification" if n.kind is NoticeKind.INITIAL else "Follow-up"
        ref = n.reference or "no reference"
        note = f" — {n.note}" if n.note else ""
        lines.append(f"- {kind}: {_utc(n.at)} to {n.authority} by {n.method.label}, ref {ref}{note}")
    return "\n".join(lines) + "\n"


REGISTER_COLUMNS = (
    "incident",
    "title",
    "aware_at",
    "notify_by",
    "state",
    "personal_data",
    "risk",
    "rationale",
    "data_categories",
    "subject_categories",
    "subjects_approx",
    "records_approx",
    "consequences",
    "measures",
    "notified_at",
    "authority",
    "reference",
    "delay_reasons",
)
"""The register's columns (Art. 33(5)): the facts, the effects, the remedial action, the
rationale of the decision, whether and when the authority was told."""


def register_row(incident: Incident, breach: Breach, deadline: timedelta, now: datetime) -> dict[str, str]:
    a, initial = breach.assessment, breach.initial
    return {
        "incident": str(incident.id),
        "title": incident.title,
        "aware_at": breach.aware_at.isoformat(),
        "notify_by": breach.notify_by(deadline).isoformat(),
        "state": breach.state(deadline, now).value,
        "personal_data": "yes" if a.personal_data else "no",
        "risk": a.risk.value if a.risk else "",
        "rationale": a.rationale,
        "data_categories": "; ".join(a.data_categories),
        "subject_categories": "; ".join(a.subject_categories),
        "subjects_approx": "" if a.subjects_approx is None else str(a.subjects_approx),
        "records_approx": "" if a.records_approx is None else str(a.records_approx),
        "consequences": a.consequences,
        "measures": a.measures,
        "notified_at": initial.at.isoformat() if initial else "",
        "authority": initial.authority if initial else "",
        "reference": initial.reference if initial else "",
        "delay_reasons": breach.delay_reasons,
    }
