"""Contact methods and personal rules over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import contact_methods, person_rules
from tocsin.domain.contacts import ATTESTED, ContactMethod, PersonRule, QuietHours, RuleEntry
from tocsin.services.paging.contact_ports import PendingCode


def _method(row: RowMapping) -> ContactMethod:
    return ContactMethod(
        person_id=row["person_id"],
        channel=row["channel"],
        address=row["address"],
        verified_at=row["verified_at"],
        source=row["source"],
    )


def _hhmm(value: str | None) -> time | None:
    if not value:
        return None
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes))


class SqlContactRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def _where(self, method: ContactMethod) -> sa.ColumnElement[bool]:
        return sa.and_(
            contact_methods.c.person_id == method.person_id,
            contact_methods.c.channel == method.channel,
            contact_methods.c.address == method.address,
        )

    def methods(self, person_ids: Sequence[str] | None = None) -> list[ContactMethod]:
        query = sa.select(contact_methods).order_by(contact_methods.c.id)
        if person_ids is not None:
            query = query.where(contact_methods.c.person_id.in_(list(person_ids)))
        return [_method(r) for r in self._conn.execute(query).mappings()]

    def verified_by_address(self, channel: str, address: str) -> list[ContactMethod]:
        query = (
            sa.select(contact_methods)
            .where(
                contact_methods.c.channel == channel,
                contact_methods.c.address == address,
                contact_methods.c.verified_at.is_not(None),
            )
            .order_by(contact_methods.c.id)
        )
        return [_method(r) for r in self._conn.execute(query).mappings()]

    def add(self, method: ContactMethod, at: datetime) -> None:
        exists = self._conn.execute(sa.select(contact_methods.c.id).where(self._where(method))).first()
        if exists is None:
            verified = at if method.verified_at == ATTESTED else method.verified_at
            self._conn.execute(
                contact_methods.insert().values(
                    person_id=method.person_id,
                    channel=method.channel,
                    address=method.address,
                    source=method.source,
                    verified_at=verified,
                    code_attempts=0,
                    created_at=at,
                )
            )

    def remove(self, person_id: str, channel: str, address: str) -> bool:
        method = ContactMethod(person_id, channel, address)
        return self._conn.execute(contact_methods.delete().where(self._where(method))).rowcount > 0

    def seed(self, methods: Sequence[ContactMethod], at: datetime) -> None:
        wanted = {(m.person_id, m.channel, m.address): m for m in methods}
        stored = {(m.person_id, m.channel, m.address): m for m in self.methods()}
        for key, method in wanted.items():
            have = stored.get(key)
            if have is None:
                self.add(method, at)
            elif method.verified and not have.verified:
                self.mark_verified(have, at)
        for key, have in stored.items():
            if have.source == "config" and key not in wanted:
                self._conn.execute(contact_methods.delete().where(self._where(have)))

    def set_code(self, method: ContactMethod, code_hash: str, expires_at: datetime) -> None:
        self._conn.execute(
            contact_methods.update()
            .where(self._where(method))
            .values(code_hash=code_hash, code_expires_at=expires_at, code_attempts=0)
        )

    def pending_code(self, method: ContactMethod) -> PendingCode | None:
        query = sa.select(
            contact_methods.c.code_hash, contact_methods.c.code_expires_at, contact_methods.c.code_attempts
        ).where(self._where(method))
        row = self._conn.execute(query).mappings().first()
        if row is None or row["code_hash"] is None:
            return None
        return PendingCode(row["code_hash"], row["code_expires_at"], row["code_attempts"])

    def count_attempt(self, method: ContactMethod) -> None:
        self._conn.execute(
            contact_methods.update()
            .where(self._where(method))
            .values(code_attempts=contact_methods.c.code_attempts + 1)
        )

    def mark_verified(self, method: ContactMethod, at: datetime) -> None:
        self._conn.execute(
            contact_methods.update()
            .where(self._where(method))
            .values(verified_at=at, code_hash=None, code_expires_at=None, code_attempts=0)
        )

    def rule(self, person_id: str, timezone: str) -> PersonRule | None:
        query = sa.select(person_rules).where(person_rules.c.person_id == person_id)
        row = self._conn.execute(query).mappings().first()
        if row is None:
            return None
        entries = tuple(
            RuleEntry(str(e["channel"]), timedelta(seconds=int(e["after_seconds"]))) for e in row["rules"]
        )
        start, end = _hhmm(row["quiet_start"]), _hhmm(row["quiet_end"])
        quiet = QuietHours(start, end, timezone) if start is not None and end is not None else None
        return PersonRule(entries, quiet)

    def save_rule(self, person_id: str, rule: PersonRule, at: datetime) -> None:
        values = {
            "rules": [
                {"channel": e.channel, "after_seconds": int(e.after.total_seconds())} for e in rule.rule
            ],
            "quiet_start": rule.quiet.start.strftime("%H:%M") if rule.quiet else None,
            "quiet_end": rule.quiet.end.strftime("%H:%M") if rule.quiet else None,
            "updated_at": at,
        }
        updated = self._conn.execute(
            person_rules.update().where(person_rules.c.person_id == person_id).values(values)
        )
        if updated.rowcount == 0:
            self._conn.execute(person_rules.insert().values(person_id=person_id, **values))
