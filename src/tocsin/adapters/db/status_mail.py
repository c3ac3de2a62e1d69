"""Customer emails, queued mails and subscribers over the unit of work's connection.

Queued mails are rows of the one ``deliveries`` table (purpose ``mail``), beside the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from tocsin.adapters.db.schema import deliveries, status_customer_emails, status_subscribers
from tocsin.domain.errors import Conflict
from tocsin.services.statuspage.ports import CustomerEmail, Mail, Subscriber

MAIL = "mail"
"""The purpose of a status-page or customer mail in ``deliveries`` (pages: ``page``, ``fyi``)."""


class SqlStatusMailRows:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get_email(self, incident_id: int, kind: str) -> CustomerEmail | None:
        row = (
            self._conn.execute(
                sa.select(status_customer_emails).where(
                    status_customer_emails.c.incident_id == incident_id, status_customer_emails.c.kind == kind
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return CustomerEmail(
            row["incident_id"], row["kind"], row["state"], row["subject"], row["body"], row["created_at"]
        )

    def save_email(self, email: CustomerEmail) -> bool:
        values = {"state": email.state, "subject": email.subject, "body": email.body}
        if self.get_email(email.incident_id, email.kind) is not None:
            self._conn.execute(
                status_customer_emails.update()
                .where(
                    status_customer_emails.c.incident_id == email.incident_id,
                    status_customer_emails.c.kind == email.kind,
                )
                .values(**values)
            )
            return False
        self._conn.execute(
            status_customer_emails.insert().values(
                incident_id=email.incident_id, kind=email.kind, created_at=email.created_at, **values
            )
        )
        return True

    def queue_mails(self, mails: Sequence[tuple[str, int | None, str, str, str]], at: datetime) -> list[int]:
        """Each mail becomes a ``mail`` row of the one deliveries table (a key already there is
        skipped: the key dedupes, as it derives the Message-ID)."""
        ids: list[int] = []
        for key, incident_id, recipient, subject, body in mails:
            exists = self._conn.execute(
                sa.select(deliveries.c.id).where(deliveries.c.idempotency_key == key)
            ).first()
            if exists is not None:
                continue
            inserted = self._conn.execute(
                deliveries.insert()
                .values(
                    idempotency_key=key,
                    incident_id=incident_id,
                    channel="email",
                    recipient=recipient,
                    purpose=MAIL,
                    trigger=key.split(":", 1)[0][:32],
                    subject=subject,
                    body=body,
                    created_at=at,
                    status="pending",
                )
                .returning(deliveries.c.id)
            )
            ids.append(int(inserted.scalar_one()))
        return ids

    def get_mail(self, mail_id: int) -> Mail | None:
        query = sa.select(deliveries).where(deliveries.c.id == mail_id, deliveries.c.purpose == MAIL)
        row = self._conn.execute(query).mappings().first()
        if row is None:
            return None
        return Mail(
            row["id"],
            row["idempotency_key"],
            row["incident_id"],
            row["recipient"],
            row["subject"] or "",
            row["body"] or "",
            row["sent_at"],
        )

    def mark_sent(self, mail_id: int, at: datetime, reference: str) -> None:
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.id == mail_id, deliveries.c.purpose == MAIL)
            .values(sent_at=at, reference=reference[:500], status="sent", status_at=at)
        )

    def _subscriber(self, where: sa.ColumnElement[bool]) -> Subscriber | None:
        row = self._conn.execute(sa.select(status_subscribers).where(where)).mappings().first()
        return None if row is None else _subscriber(row)

    def subscriber_by_email(self, email: str) -> Subscriber | None:
        return self._subscriber(status_subscribers.c.email == email)

    def subscriber_by_token(self, token: str) -> Subscriber | None:
        return self._subscriber(status_subscribers.c.token == token)

    def save_subscriber(self, subscriber: Subscriber) -> Subscriber:
        values = {
            "email": subscriber.email,
            "components": list(subscriber.components),
            "token": subscriber.token,
            "created_at": subscriber.created_at,
            "confirmed_at": subscriber.confirmed_at,
            "unsubscribed_at": subscriber.unsubscribed_at,
        }
        if subscriber.id:
            self._conn.execute(
                status_subscribers.update().where(status_subscribers.c.id == subscriber.id).values(**values)
            )
            return subscriber
        try:
            with self._conn.begin_nested():
                inserted = self._conn.execute(
                    status_subscribers.insert().values(**values).returning(status_subscribers.c.id)
                ).scalar_one()
        except IntegrityError:
            raise Conflict(f"{subscriber.email} was subscribed by another request just now") from None
        return replace(subscriber, id=int(inserted))

    def active_subscribers(self) -> Sequence[Subscriber]:
        rows = self._conn.execute(
            sa.select(status_subscribers)
            .where(
                status_subscribers.c.confirmed_at.is_not(None), status_subscribers.c.unsubscribed_at.is_(None)
            )
            .order_by(status_subscribers.c.id)
        ).mappings()
        return [_subscriber(r) for r in rows]


def _subscriber(row: RowMapping) -> Subscriber:
    return Subscriber(
        row["id"],
        row["email"],
        tuple(row["components"]),
        row["token"],
        row["created_at"],
        row["confirmed_at"],
        row["unsubscribed_at"],
    )
