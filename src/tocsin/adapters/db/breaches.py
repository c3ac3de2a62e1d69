"""Breach records, their notifications and the Art. 34 addresses over the unit of work's
connection; nothing here commits.

The addresses are the list of ``breach_recipients``; how each one's mail went is its ``art34``
row of the one ``deliveries`` table (key ``breach34:<incident>:<recipient id>``), written
with it at upload as pending and marked sent or failed by the ``breach.communicate`` job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import breach_notices, breach_recipients, breaches, deliveries
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.breach import Assessment, Breach, Communication, Method, Notice, NoticeKind, Risk
from tocsin.domain.breach_communication import DeliveryState, Recipient, Summary

IN_CHUNK = 500
ART34 = "art34"
"""The purpose of an Art. 34 mail's row in the one ``deliveries`` table (migration 0020)."""
KEY_PREFIX = "breach34:"
TRIGGER = "breach34"


def _assessment(doc: Mapping[str, Any], risk: str | None) -> Assessment:
    return Assessment(
        personal_data=bool(doc.get("personal_data", True)),
        data_categories=tuple(doc.get("data_categories", ())),
        subject_categories=tuple(doc.get("subject_categories", ())),
        subjects_approx=doc.get("subjects_approx"),
        records_approx=doc.get("records_approx"),
        consequences=str(doc.get("consequences", "")),
        measures=str(doc.get("measures", "")),
        risk=Risk(risk) if risk else None,
        rationale=str(doc.get("rationale", "")),
    )


def _document(a: Assessment) -> dict[str, Any]:
    return {
        "personal_data": a.personal_data,
        "data_categories": list(a.data_categories),
        "subject_categories": list(a.subject_categories),
        "subjects_approx": a.subjects_approx,
        "records_approx": a.records_approx,
        "consequences": a.consequences,
        "measures": a.measures,
        "rationale": a.rationale,
    }


def _notice(row: RowMapping) -> Notice:
    return Notice(
        kind=NoticeKind(row["kind"]),
        at=row["notified_at"],
        method=Method(row["method"]),
        reference=row["reference"],
        authority=row["authority"],
        note=row["note"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
        id=row["id"],
    )


def _recipient(row: RowMapping) -> Recipient:
    return Recipient(
        email=row["email"],
        name=row["name"],
        line=row["line"],
        state=DeliveryState(row["state"]),
        error=row["error"] or "",
        sent_at=row["sent_at"],
        id=row["id"],
    )


class SqlBreachRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def _breach(self, row: RowMapping, notices: Sequence[Notice]) -> Breach:
        return Breach(
            incident_id=row["incident_id"],
            aware_at=row["aware_at"],
            assessment=_assessment(row["assessment"], row["risk"]),
            created_at=row["created_at"],
            created_by=row["created_by"],
            updated_at=row["updated_at"],
            updated_by=row["updated_by"],
            delay_reasons=row["delay_reasons"],
            notices=tuple(notices),
            communication=Communication(row["message_subject"], row["message_body"], row["message_round"]),
        )

    def _notices(self, incident_ids: Sequence[int]) -> dict[int, list[Notice]]:
        found: dict[int, list[Notice]] = {}
        for start in range(0, len(incident_ids), IN_CHUNK):
            chunk = list(incident_ids[start : start + IN_CHUNK])
            query = (
                sa.select(breach_notices)
                .where(breach_notices.c.incident_id.in_(chunk))
                .order_by(breach_notices.c.incident_id, breach_notices.c.id)
            )
            for row in self._conn.execute(query).mappings():
                found.setdefault(row["incident_id"], []).append(_notice(row))
        return found

    def get(self, incident_id: int) -> Breach | None:
        row = (
            self._conn.execute(sa.select(breaches).where(breaches.c.incident_id == incident_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return self._breach(row, self._notices([incident_id]).get(incident_id, []))

    def save(self, breach: Breach) -> None:
        values = {
            "aware_at": breach.aware_at,
            "risk": breach.assessment.risk.value if breach.assessment.risk else None,
            "assessment": _document(breach.assessment),
            "delay_reasons": breach.delay_reasons,
            "updated_at": breach.updated_at,
            "updated_by": breach.updated_by[:200],
            "message_subject": breach.communication.subject,
            "message_body": breach.communication.body,
            "message_round": breach.communication.round,
        }
        exists = self._conn.execute(
            sa.select(breaches.c.incident_id).where(breaches.c.incident_id == breach.incident_id)
        ).first()
        if exists is None:
            self._conn.execute(
                breaches.insert().values(
                    incident_id=breach.incident_id,
                    created_at=breach.created_at,
                    created_by=breach.created_by[:200],
                    **values,
                )
            )
        else:
            self._conn.execute(
                breaches.update().where(breaches.c.incident_id == breach.incident_id).values(**values)
            )
        for notice in breach.notices:
            if notice.id is None:
                self._conn.execute(
                    breach_notices.insert().values(
                        incident_id=breach.incident_id,
                        kind=notice.kind.value,
                        notified_at=notice.at,
                        method=notice.method.value,
                        reference=notice.reference,
                        authority=notice.authority[:100],
                        note=notice.note,
                        recorded_by=notice.recorded_by[:200],
                        recorded_at=notice.recorded_at or breach.updated_at,
                    )
                )

    def page(self, *, limit: int = 500, offset: int = 0) -> Sequence[Breach]:
        query = (
            sa.select(breaches)
            .order_by(breaches.c.aware_at.desc(), breaches.c.incident_id.desc())
            .limit(limit)
            .offset(offset)
        )
        rows = list(self._conn.execute(query).mappings())
        notices = self._notices([r["incident_id"] for r in rows])
        return [self._breach(r, notices.get(r["incident_id"], [])) for r in rows]

    def of_incidents(self, incident_ids: Sequence[int]) -> Mapping[int, Breach]:
        ids = list(dict.fromkeys(incident_ids))[:IN_CHUNK]
        if not ids:
            return {}
        rows = list(self._conn.execute(sa.select(breaches).where(breaches.c.incident_id.in_(ids))).mappings())
        notices = self._notices([r["incident_id"] for r in rows])
        return {r["incident_id"]: self._breach(r, notices.get(r["incident_id"], [])) for r in rows}

    def add_recipients(self, incident_id: int, recipients: Sequence[Recipient], at: datetime) -> int:
        """The new addresses join the list, each with its pending ``art34`` delivery."""
        known = set(
            self._conn.execute(
                sa.select(breach_recipients.c.email_key).where(breach_recipients.c.incident_id == incident_id)
            ).scalars()
        )
        fresh = [r for r in recipients if r.email.lower() not in known]
        if fresh:
            self._conn.execute(
                breach_recipients.insert(),
                [
                    {
                        "incident_id": incident_id,
                        "email": r.email,
                        "email_key": r.email.lower(),
                        "name": r.name[:200],
                        "line": r.line,
                    }
                    for r in fresh
                ],
            )
            self._conn.execute(queue_deliveries(incident_id, at))
        return len(fresh)

    def _rows(self) -> sa.Select[Any]:
        return sa.select(
            breach_recipients,
            deliveries.c.status.label("state"),
            deliveries.c.error,
            deliveries.c.sent_at,
        ).join(deliveries, deliveries.c.idempotency_key == delivery_key(breach_recipients))

    def recipients(
        self, incident_id: int, *, state: DeliveryState | None = None, limit: int = 100, offset: int = 0
    ) -> Sequence[Recipient]:
        query = self._rows().where(breach_recipients.c.incident_id == incident_id)
        if state is not None:  # the page of ids in that state, from the deliveries' index
            ids = self._ids(incident_id, state)[offset : offset + limit]
            if not ids:
                return []
            query = query.where(breach_recipients.c.id.in_(ids))
        else:
            query = query.limit(limit).offset(offset)
        query = query.order_by(breach_recipients.c.id)
        return [_recipient(r) for r in self._conn.execute(query).mappings()]

    def recipients_by_id(self, incident_id: int, ids: Sequence[int]) -> Sequence[Recipient]:
        query = (
            self._rows()
            .where(
                breach_recipients.c.incident_id == incident_id,
                breach_recipients.c.id.in_(list(ids)[:IN_CHUNK]),
            )
            .order_by(breach_recipients.c.id)
        )
        return [_recipient(r) for r in self._conn.execute(query).mappings()]

    def _ids(self, incident_id: int, state: DeliveryState) -> list[int]:
        """The ids of the addresses whose mail is in ``state``, in upload order (read off the
        deliveries' keys, ``breach34:<incident>:<recipient id>``)."""
        query = sa.select(deliveries.c.idempotency_key).where(
            deliveries.c.incident_id == incident_id,
            deliveries.c.purpose == ART34,
            deliveries.c.status == state.value,
        )
        return sorted(int(key.rsplit(":", 1)[1]) for key in self._conn.execute(query).scalars())

    def pending_ids(self, incident_id: int) -> list[int]:
        return self._ids(incident_id, DeliveryState.PENDING)

    def summary(self, incident_id: int) -> Summary:
        query = (
            sa.select(deliveries.c.status, sa.func.count())
            .where(deliveries.c.incident_id == incident_id, deliveries.c.purpose == ART34)
            .group_by(deliveries.c.status)
        )
        counts = {state: int(n) for state, n in self._conn.execute(query).all()}
        return Summary(counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0))

    def mark(self, recipient_id: int, state: DeliveryState, at: datetime, error: str = "") -> None:
        key = sa.select(delivery_key(breach_recipients)).where(breach_recipients.c.id == recipient_id)
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.idempotency_key == key.scalar_subquery())
            .values(
                status=state.value,
                error=error[:500] or None,
                status_at=at,
                sent_at=at if state is DeliveryState.SENT else None,
            )
        )

    def retry_failed(self, incident_id: int) -> int:
        """The failed addresses go back to pending (their last error shown until the next try)."""
        result = self._conn.execute(
            deliveries.update()
            .where(
                deliveries.c.incident_id == incident_id,
                deliveries.c.purpose == ART34,
                deliveries.c.status == DeliveryState.FAILED.value,
            )
            .values(status=DeliveryState.PENDING.value)
        )
        return int(result.rowcount)


def delivery_key(recipients: sa.Table) -> sa.ColumnElement[str]:
    """``breach34:<incident>:<recipient id>``: the key of an address's ``art34`` delivery (each
    round's mail is sent under this key and ``:<round>``, which derives its Message-ID)."""
    as_text = sa.String(40)
    return (
        sa.literal(KEY_PREFIX, sa.String(40))
        + sa.cast(recipients.c.incident_id, as_text)
        + ":"
        + sa.cast(recipients.c.id, as_text)
    )


def queue_deliveries(incident_id: int, at: datetime) -> sa.Insert:
    """The pending ``art34`` delivery of each of the incident's addresses that has none yet."""
    key = delivery_key(breach_recipients)
    missing = (
        sa.select(
            key,
            breach_recipients.c.incident_id,
            sa.literal("email", sa.String(32)),
            breach_recipients.c.email,
            sa.literal(ART34, sa.String(8)),
            sa.literal(TRIGGER, sa.String(32)),
            sa.literal(at, UTCDateTime()),
            sa.literal(DeliveryState.PENDING.value, sa.String(16)),
            sa.literal(at, UTCDateTime()),
        )
        .outerjoin(deliveries, deliveries.c.idempotency_key == key)
        .where(breach_recipients.c.incident_id == incident_id, deliveries.c.id.is_(None))
        .order_by(breach_recipients.c.id)
    )
    columns = ("idempotency_key", "incident_id", "channel", "recipient", "purpose", "trigger", "created_at")
    return deliveries.insert().from_select([*columns, "status", "status_at"], missing)
