"""The evidence locker's rows over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema.evidence import evidence_custody, evidence_items
from tocsin.domain.evidence import Action, Entry, Item, Kind


def _item(row: RowMapping) -> Item:
    return Item(
        id=row["id"],
        incident_id=row["incident_id"],
        kind=Kind(row["kind"]),
        name=row["name"],
        media_type=row["media_type"],
        sha256=row["sha256"],
        size=row["size"],
        reference=row["reference"],
        description=row["description"],
        added_at=row["added_at"],
        added_by=row["added_by"],
        deleted_at=row["deleted_at"],
        deleted_by=row["deleted_by"],
    )


def _entry(row: RowMapping) -> Entry:
    return Entry(
        incident_id=row["incident_id"],
        seq=row["seq"],
        at=row["at"],
        actor=row["actor"],
        action=Action(row["action"]),
        item_id=row["item_id"],
        item_sha256=row["item_sha256"],
        note=row["note"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


class SqlEvidenceRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add_item(self, item: Item) -> Item:
        values: dict[str, Any] = {
            "incident_id": item.incident_id,
            "kind": item.kind.value,
            "name": item.name,
            "media_type": item.media_type,
            "sha256": item.sha256,
            "size": item.size,
            "reference": item.reference,
            "description": item.description,
            "added_at": item.added_at,
            "added_by": item.added_by,
            "deleted_at": None,
            "deleted_by": "",
        }
        inserted = self._conn.execute(evidence_items.insert().values(**values).returning(evidence_items.c.id))
        return replace(item, id=inserted.scalar_one(), deleted_at=None, deleted_by="")

    def get_item(self, incident_id: int, item_id: int) -> Item | None:
        query = sa.select(evidence_items).where(
            evidence_items.c.id == item_id, evidence_items.c.incident_id == incident_id
        )
        row = self._conn.execute(query).mappings().first()
        return _item(row) if row is not None else None

    def items(self, incident_id: int, *, deleted: bool = False) -> Sequence[Item]:
        query = sa.select(evidence_items).where(evidence_items.c.incident_id == incident_id)
        if not deleted:
            query = query.where(evidence_items.c.deleted_at.is_(None))
        return [_item(r) for r in self._conn.execute(query.order_by(evidence_items.c.id)).mappings()]

    def find_live(self, incident_id: int, sha256: str) -> Item | None:
        query = sa.select(evidence_items).where(
            evidence_items.c.incident_id == incident_id,
            evidence_items.c.sha256 == sha256,
            evidence_items.c.deleted_at.is_(None),
        )
        row = self._conn.execute(query.limit(1)).mappings().first()
        return _item(row) if row is not None else None

    def live_with_hash(self, sha256: str) -> int:
        query = sa.select(sa.func.count()).where(
            evidence_items.c.sha256 == sha256,
            evidence_items.c.kind == Kind.FILE.value,
            evidence_items.c.deleted_at.is_(None),
        )
        return int(self._conn.execute(query).scalar_one())

    def mark_deleted(self, item_id: int, at: datetime, by: str) -> None:
        self._conn.execute(
            evidence_items.update()
            .where(evidence_items.c.id == item_id)
            .values(deleted_at=at, deleted_by=by[:200])
        )

    def entries(self, incident_id: int) -> Sequence[Entry]:
        query = (
            sa.select(evidence_custody)
            .where(evidence_custody.c.incident_id == incident_id)
            .order_by(evidence_custody.c.seq, evidence_custody.c.id)
        )
        return [_entry(r) for r in self._conn.execute(query).mappings()]

    def append(self, entry: Entry) -> None:
        self._conn.execute(
            evidence_custody.insert().values(
                incident_id=entry.incident_id,
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action.value,
                item_id=entry.item_id,
                item_sha256=entry.item_sha256,
                note=entry.note,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
