"""What an evidence export (a zip) holds besides the files: ``manifest.json`` (the items and
the custody log) and ``MANIFEST.sha256`` (``sha256sum -c`` format: every other file of the
archive with its hash). Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tocsin.domain.evidence import Entry, Item, Kind, verify

MANIFEST = "manifest.json"
CUSTODY = "custody.json"
SUMS = "MANIFEST.sha256"


def file_path(item: Item) -> str:
    """Where an item's file sits in the archive: ``files/<id>-<sanitised name>`` (the id keeps
    two items with the same name apart)."""
    return f"files/{item.id}-{item.name}"


def item_record(item: Item) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind.value,
        "name": item.name,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "description": item.description,
        "added_at": item.added_at.isoformat(),
        "added_by": item.added_by,
    }
    if item.kind is Kind.REFERENCE:
        record["reference"] = item.reference
    else:
        record["path"] = file_path(item)
    return record


def entry_record(entry: Entry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action.value,
        "item_id": entry.item_id,
        "item_sha256": entry.item_sha256,
        "note": entry.note,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def documents(
    incident_id: int, items: Sequence[Item], entries: Sequence[Entry], *, at: datetime, by: str
) -> dict[str, bytes]:
    """``manifest.json``, ``custody.json`` and ``MANIFEST.sha256`` for the live ``items``
    (their files are added under ``file_path``) and the whole custody log."""
    broken = verify(entries)
    custody = _json([entry_record(e) for e in entries])
    manifest = _json(
        {
            "incident_id": incident_id,
            "exported_at": at.isoformat(),
            "exported_by": by,
            "items": [item_record(i) for i in items],
            "custody": {
                "file": CUSTODY,
                "entries": len(entries),
                "head": entries[-1].hash if entries else "",
                "verified": broken is None,
                "problem": str(broken) if broken else "",
            },
        }
    )
    sums = [(i.sha256, file_path(i)) for i in items if i.kind is Kind.FILE]
    sums += [(hashlib.sha256(manifest).hexdigest(), MANIFEST), (hashlib.sha256(custody).hexdigest(), CUSTODY)]
    listing = "".join(f"{digest}  {path}\n" for digest, path in sums).encode("utf-8")
    return {MANIFEST: manifest, CUSTODY: custody, SUMS: listing}
