"""Shared by the evidence tests: a security incident, a multipart body, the locker's rows."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema import evidence_custody, evidence_items
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents

SAM = Actor("sam", Role.SECURITY)


def security_incident(services, title: str = "Suspicious admin logins") -> int:
    rita = Actor("rita", Role.RESPONDER)
    created = incidents.declare_incident(services, title=title, severity=Severity.P1, by=rita)
    flags.mark_security_incident(services, created.id, reason="credential stuffing", by=rita)
    return int(created.id)


def multipart(
    filename: str, content: bytes, boundary: str = "tocsinboundary", **fields: str
) -> tuple[bytes, dict[str, str]]:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def rows(engine) -> tuple[int, int]:
    """(items, custody entries) in the database."""
    with engine.connect() as conn:
        items = conn.execute(sa.select(sa.func.count()).select_from(evidence_items)).scalar_one()
        entries = conn.execute(sa.select(sa.func.count()).select_from(evidence_custody)).scalar_one()
    return items, entries
