"""Escalation state and deliveries over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import MAIL_PURPOSES, deliveries, escalations
from tocsin.domain.escalation import Escalation, Policy, Status, Step
from tocsin.domain.notification import Notification
from tocsin.domain.severity import Severity
from tocsin.services.paging.ports import Delivery

_INSERT_DELIVERY = {
    "postgresql": postgresql.insert(deliveries).on_conflict_do_nothing(
        index_elements=[deliveries.c.idempotency_key]
    ),
    "sqlite": sqlite.insert(deliveries).on_conflict_do_nothing(index_elements=[deliveries.c.idempotency_key]),
}


def policy_json(policy: Policy) -> dict[str, Any]:
    return {
        "severity": policy.severity.value,
        "repeat": policy.repeat,
        "wait_for_rules": policy.wait_for_rules,
        "steps": [
            {"targets": list(step.targets), "wait_seconds": int(step.wait.total_seconds())}
            for step in policy.steps
        ],
    }


def policy_from_json(data: dict[str, Any]) -> Policy:
    steps = tuple(
        Step(targets=tuple(s["targets"]), wait=timedelta(seconds=int(s["wait_seconds"])))
        for s in data["steps"]
    )
    return Policy(
        severity=Severity(data["severity"]),
        steps=steps,
        repeat=int(data["repeat"]),
        wait_for_rules=bool(data.get("wait_for_rules", False)),
    )


def _values(escalation: Escalation, at: datetime) -> dict[str, Any]:
    return {
        "severity": escalation.policy.severity.value,
        "policy": policy_json(escalation.policy),
        "status": escalation.status.value,
        "position": escalation.position,
        "seq": escalation.seq,
        "batch": escalation.batch,
        "notified": list(escalation.notified),
        "last_step_at": escalation.last_step_at,
        "next_step_at": escalation.next_step_at,
        "stop_reason": escalation.stop_reason,
        "updated_at": at,
    }


def _escalation(row: Mapping[str, Any]) -> Escalation:
    return Escalation(
        incident_id=row["incident_id"],
        policy=policy_from_json(dict(row["policy"])),
        status=Status(row["status"]),
        position=row["position"],
        seq=row["seq"],
        batch=row["batch"],
        last_step_at=row["last_step_at"],
        next_step_at=row["next_step_at"],
        stop_reason=row["stop_reason"],
        notified=tuple(row["notified"]),
    )


class SqlEscalationRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, incident_id: int) -> Escalation | None:
        rows = _GET.rows(self._conn, {"incident_id": incident_id})  # at most one: the primary key
        return _escalation(rows[0]) if rows else None

    def save(self, escalation: Escalation, at: datetime) -> None:
        """Insert the first time, update afterwards, in one statement (an upsert on the primary
        key); callers hold the incident's row lock."""
        values = {**_values(escalation, at), "incident_id": escalation.incident_id}
        _SAVE[self._conn.dialect.name].run(self._conn, values)


def _upsert(insert: Any) -> Fast:  # postgresql.insert / sqlite.insert: the same ON CONFLICT clause
    statement = insert(escalations).values(
        {c.name: sa.bindparam(c.name, type_=c.type) for c in escalations.c}
    )
    updated = [c.name for c in escalations.c if c.name != "incident_id"]
    return Fast(
        statement.on_conflict_do_update(
            index_elements=[escalations.c.incident_id],
            set_={name: statement.excluded[name] for name in updated},
        )
    )


# Every acknowledgement, resolution and step reads one: on the driver's cursor (see ``fast``).
_GET = Fast(sa.select(escalations).where(escalations.c.incident_id == sa.bindparam("incident_id")))

# Built once (every incident opened or escalated saves one), so the compiled form is cached.
_SAVE = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


class SqlDeliveryRepository:
    """The pages and FYIs of the deliveries table (the status-page and Art. 34 mails beside them
    are read by their own repositories)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, notifications: Sequence[Notification], at: datetime) -> None:
        values = [
            {
                "idempotency_key": n.key,
                "incident_id": n.incident_id,
                "channel": n.channel,
                "recipient": n.recipient,
                "purpose": n.purpose.value,
                "trigger": n.trigger.value,
                "created_at": at,
            }
            for n in notifications
        ]
        if values:
            self._conn.execute(_INSERT_DELIVERY[self._conn.dialect.name], values)

    def mark_sent(self, key: str, at: datetime, reference: str) -> None:
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.idempotency_key == key)
            .values(sent_at=at, reference=reference[:500])
        )
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.idempotency_key == key, deliveries.c.status == "pending")
            .values(status="sent", status_at=at)
        )

    def add_planned(self, planned: Sequence[tuple[Notification, datetime]], at: datetime) -> None:
        values = [
            {
                "idempotency_key": n.key,
                "incident_id": n.incident_id,
                "channel": n.channel,
                "recipient": n.recipient,
                "purpose": n.purpose.value,
                "trigger": n.trigger.value,
                "created_at": at,
                "due_at": due,
                "status": "pending",
            }
            for n, due in planned
        ]
        if values:
            self._conn.execute(_INSERT_DELIVERY[self._conn.dialect.name], values)

    def get(self, key: str) -> Delivery | None:
        query = sa.select(deliveries).where(
            deliveries.c.idempotency_key == key, deliveries.c.purpose.not_in(MAIL_PURPOSES)
        )
        row = self._conn.execute(query).mappings().first()
        return _delivery(row) if row is not None else None

    def by_reference(self, reference: str) -> Delivery | None:
        query = (
            sa.select(deliveries)
            .where(deliveries.c.reference == reference, deliveries.c.purpose.not_in(MAIL_PURPOSES))
            .order_by(deliveries.c.id)
        )
        row = self._conn.execute(query).mappings().first()
        return _delivery(row) if row is not None else None

    def mark_status(self, key: str, status: str, at: datetime) -> None:
        self._conn.execute(
            deliveries.update().where(deliveries.c.idempotency_key == key).values(status=status, status_at=at)
        )

    def reschedule(self, key: str, due_at: datetime) -> None:
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.idempotency_key == key, deliveries.c.status == "pending")
            .values(due_at=due_at)
        )

    def pending_of_page(self, prefix: str) -> Sequence[Delivery]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            sa.select(deliveries)
            .where(
                deliveries.c.idempotency_key.like(f"{escaped}%", escape="\\"),
                deliveries.c.status == "pending",
            )
            .order_by(deliveries.c.due_at, deliveries.c.id)
        )
        return [_delivery(r) for r in self._conn.execute(query).mappings()]

    def pages_to(self, recipient: str, limit: int = 20) -> Sequence[Delivery]:
        query = (
            sa.select(deliveries)
            .where(
                deliveries.c.recipient == recipient,
                deliveries.c.purpose == "page",
                deliveries.c.channel != "webhook",
            )
            .order_by(deliveries.c.id.desc())
            .limit(limit)
        )
        return [_delivery(r) for r in self._conn.execute(query).mappings()]

    def list(self, incident_id: int) -> Sequence[Delivery]:
        query = (
            sa.select(deliveries)
            .where(deliveries.c.incident_id == incident_id, deliveries.c.purpose.not_in(MAIL_PURPOSES))
            .order_by(deliveries.c.id)
        )
        return [_delivery(r) for r in self._conn.execute(query).mappings()]


def _delivery(r: RowMapping) -> Delivery:
    return Delivery(
        key=r["idempotency_key"],
        incident_id=r["incident_id"],
        channel=r["channel"],
        recipient=r["recipient"],
        purpose=r["purpose"],
        trigger=r["trigger"],
        created_at=r["created_at"],
        sent_at=r["sent_at"],
        reference=r["reference"],
        status=r["status"],
        status_at=r["status_at"],
        due_at=r["due_at"],
    )
