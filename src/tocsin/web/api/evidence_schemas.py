"""The evidence locker's request and response bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.evidence import Entry, Item


class ItemOut(BaseModel):
    id: int
    kind: str
    name: str
    sha256: str
    size: int
    media_type: str
    reference: str
    description: str
    added_at: str
    added_by: str

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls(
            id=item.id or 0,
            kind=item.kind.value,
            name=item.name,
            sha256=item.sha256,
            size=item.size,
            media_type=item.media_type,
            reference=item.reference,
            description=item.description,
            added_at=item.added_at.isoformat(),
            added_by=item.added_by,
        )


class LockerOut(BaseModel):
    held: bool
    custody_entries: int
    items: list[ItemOut]


class EntryOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    item_id: int | None
    item_sha256: str
    note: str
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: Entry) -> EntryOut:
        return cls(
            seq=e.seq,
            at=e.at.isoformat(),
            actor=e.actor,
            action=e.action.value,
            item_id=e.item_id,
            item_sha256=e.item_sha256,
            note=e.note,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


class BreakOut(BaseModel):
    seq: int
    problem: str


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    first_bad_entry: BreakOut | None
    bad_files: list[str]


class ReferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: str = Field(min_length=1, max_length=2000, description="A snapshot id, a URL…")
    label: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: bool
    note: str = Field(default="", max_length=2000)


class PreserveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(default="", max_length=2000, description="LogQL; default security.evidence.loki_query")
