"""The Art. 34 communication to the data subjects: the clear-language message prefilled from the
breach record, the CSV of affected addresses, and each address's delivery state. Pure.

Art. 34(2): the message describes in clear and plain language the nature of the breach and
contains at least the DPO's contact details, the likely consequences and the measures taken or
proposed (Art. 33(3)(b)-(d)).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tocsin.domain.breach import Breach, Risk
from tocsin.domain.breach_dossier import Contact
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.subscriber import clean_email
from tocsin.domain.text import MAX_TEXT, refuse_nul

EMAIL_COLUMNS = ("email", "e-mail", "mail", "email address", "adresse email", "courriel")
NAME_COLUMNS = ("name", "nom", "full name")
MAX_RECIPIENTS = 100_000
MAX_SUBJECT = 200
MAX_NAME = 200


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One affected address from the uploaded CSV (``line``: its line in the file)."""

    email: str
    name: str = ""
    line: int = 0
    state: DeliveryState = DeliveryState.PENDING
    error: str = ""
    sent_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    pending: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.failed


def require_high_risk(breach: Breach) -> None:
    if breach.assessment.risk is not Risk.HIGH:
        risk = breach.assessment.risk.value if breach.assessment.risk else "not assessed"
        raise InvalidTransition(
            f"the communication to data subjects (GDPR Art. 34) is for a high risk; this breach's risk is "
            f"{risk}: record risk=high first"
        )


def parse_csv(text: str) -> list[Recipient]:
    """The addresses of a CSV with a header naming an ``email`` column (and optionally ``name``).
    A missing column, a bad address or a NUL is a 422 naming the line; duplicates count once."""
    refuse_nul("csv", text)
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), _dialect(text))
    try:
        header = next(rows)
    except StopIteration:
        raise InvalidInput("csv: the file is empty: give a header line with an email column") from None
    except csv.Error as exc:
        raise InvalidInput(f"csv line 1: {exc}") from None
    names = [h.strip().lower() for h in header]
    email_at = next((i for i, h in enumerate(names) if h in EMAIL_COLUMNS), None)
    if email_at is None:
        raise InvalidInput(f"csv line 1: no email column in the header (got {', '.join(names)[:200]!r})")
    name_at = next((i for i, h in enumerate(names) if h in NAME_COLUMNS), None)
    found: dict[str, Recipient] = {}
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            address = row[email_at].strip() if email_at < len(row) else ""
            try:
                email = clean_email(address)
            except InvalidInput:
                raise InvalidInput(f"csv line {line}: not an email address: {address[:100]!r}") from None
            name = row[name_at].strip()[:MAX_NAME] if name_at is not None and name_at < len(row) else ""
            found.setdefault(email.lower(), Recipient(email, name, line))
            if len(found) > MAX_RECIPIENTS:
                raise InvalidInput(f"csv line {line}: more than {MAX_RECIPIENTS} addresses")
    except csv.Error as exc:
        raise InvalidInput(f"csv line {rows.line_num}: {exc}") from None
    if not found:
        raise InvalidInput("csv: no address below the header")
    return list(found.values())


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return _Semicolon if first.count(";") > first.count(",") else csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"


def clean_message(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join(refuse_nul("subject", subject).split())
    body = refuse_nul("body", body).strip()
    if not subject:
        raise InvalidInput("subject: must not be empty")
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"subject: at most {MAX_SUBJECT} characters (got {len(subject)})")
    if not body:
        raise InvalidInput("body: must not be empty")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"body: at most {MAX_TEXT} characters (got {len(body)})")
    return subject, body


def _join(values: tuple[str, ...], fallback: str) -> str:
    return ", ".join(values) if values else fallback


def template(breach: Breach, *, dpo: Contact | None, controller: str) -> tuple[str, str]:
    """The message's subject and body, prefilled from the record, for people to edit."""
    a = breach.assessment
    who = controller or "We"
    dpo_text = f"{dpo.name}, {dpo.email}" if dpo else "our data protection officer"
    body = "\n".join(
        [
            "Hello,",
            "",
            f"{who} must inform you of a security incident that affected your personal data.",
            "",
            "What happened",
            f"On {breach.aware_at:%d %B %Y} we became aware of a breach involving the following "
            f"data: {_join(a.data_categories, 'personal data')}.",
            "",
            "What this may mean for you",
            a.consequences or "(describe the likely consequences)",
            "",
            "What we have done and what we are doing",
            a.measures or "(describe the measures taken or proposed)",
            "",
            "Who to contact",
            f"For any question, contact {dpo_text}.",
            "",
            "We are sorry for this incident.",
        ]
    )
    at = f" at {controller}" if controller else ""
    subject = f"Important: a security incident affected your personal data{at}"
    return subject[:MAX_SUBJECT], body
