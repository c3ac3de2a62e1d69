"""Breach records, their notifications and the Art. 34 addresses over the unit of work's
connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import breach_notices, breach_recipients, breaches
from tocsin.domain.breach import Assessment, Breach, Communication, Method, Notice, NoticeKind, Risk
from tocsin.domain.breach_communication import DeliveryState, Recipient, Summary

IN_CHUNK = 500


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
        error=row["error"],
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
                        "state": DeliveryState.PENDING.value,
                        "error": "",
                        "updated_at": at,
                        "sent_at": None,
                    }
                    for r in fresh
                ],
            )
        return len(fresh)

    def recipients(
        self, incident_id: int, *, state: DeliveryState | None = None, limit: int = 100, offset: int = 0
    ) -> Sequence[Recipient]:
        query = sa.select(breach_recipients).where(breach_recipients.c.incident_id == incident_id)
        if state is not None:
            query = query.where(breach_recipients.c.state == state.value)
        query = query.order_by(breach_recipients.c.id).limit(limit).offset(offset)
        return [_recipient(r) for r in self._conn.execute(query).mappings()]

    def recipients_by_id(self, incident_id: int, ids: Sequence[int]) -> Sequence[Recipient]:
        query = (
            sa.select(breach_recipients)
            .where(
                breach_recipients.c.incident_id == incident_id,
                breach_recipients.c.id.in_(list(ids)[:IN_CHUNK]),
            )
            .order_by(breach_recipients.c.id)
        )
        return [_recipient(r) for r in self._conn.execute(query).mappings()]

    def pending_ids(self, incident_id: int) -> list[int]:
        query = (
            sa.select(breach_recipients.c.id)
            .where(
                breach_recipients.c.incident_id == incident_id,
                breach_recipients.c.state == DeliveryState.PENDING.value,
            )
            .order_by(breach_recipients.c.id)
        )
        return [int(i) for i in self._conn.execute(query).scalars()]

    def summary(self, incident_id: int) -> Summary:
        query = (
            sa.select(breach_recipients.c.state, sa.func.count())
            .where(breach_recipients.c.incident_id == incident_id)
            .group_by(breach_recipients.c.state)
        )
        counts = {state: int(n) for state, n in self._conn.execute(query).all()}
        return Summary(counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0))

    def mark(self, recipient_id: int, state: DeliveryState, at: datetime, error: str = "") -> None:
        self._conn.execute(
            breach_recipients.update()
            .where(breach_recipients.c.id == recipient_id)
            .values(
                state=state.value,
                error=error[:500],
                updated_at=at,
                sent_at=at if state is DeliveryState.SENT else None,
            )
        )

    def retry_failed(self, incident_id: int) -> int:
        result = self._conn.execute(
            breach_recipients.update()
            .where(
                breach_recipients.c.incident_id == incident_id,
                breach_recipients.c.state == DeliveryState.FAILED.value,
            )
            .values(state=DeliveryState.PENDING.value)
        )
        return int(result.rowcount)
