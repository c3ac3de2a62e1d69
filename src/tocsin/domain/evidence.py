"""The forensics evidence locker of a security incident (the plan's "Préserver les preuves"). Pure.

An **item** is a file kept in the locker (logs, a snapshot, a screenshot; stored under its
SHA-256, never under the name it came with) or a **reference** to evidence kept elsewhere (a
disk snapshot id, a URL). Every act on the locker — adding, looking at, exporting, holding,
deleting — is an entry of the incident's **custody log**, an append-only hash chain: each
entry's hash covers its own fields and the previous entry's hash, so editing, removing or
reordering an entry breaks the chain at that entry (``verify`` names it).

A **legal hold** (the latest ``hold_on``/``hold_off`` of the log) forbids deletion.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tocsin.domain.errors import Conflict, InvalidInput

GENESIS = "0" * 64
"""The "previous hash" of an incident's first custody entry."""
MAX_NAME = 200
MAX_REFERENCE = 2000
MAX_NOTE = 2000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Kind(StrEnum):
    FILE = "file"
    REFERENCE = "reference"


class Action(StrEnum):
    ADDED = "added"
    REFERENCE_ADDED = "reference_added"
    LOGS_PRESERVED = "logs_preserved"
    DOWNLOADED = "downloaded"
    EXPORTED = "exported"
    HOLD_ON = "hold_on"
    HOLD_OFF = "hold_off"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Item:
    incident_id: int
    kind: Kind
    name: str
    """The sanitised original file name (metadata only), or the reference's label."""
    sha256: str
    """Of the file's content; of the reference text for a reference."""
    size: int
    added_at: datetime
    added_by: str
    media_type: str = "application/octet-stream"
    """What the uploader declared; never used to serve the file."""
    reference: str = ""
    description: str = ""
    id: int | None = None
    deleted_at: datetime | None = None
    deleted_by: str = ""

    @property
    def live(self) -> bool:
        return self.deleted_at is None


@dataclass(frozen=True, slots=True)
class Entry:
    """One custody log entry. ``hash`` is ``entry_hash`` of the other fields."""

    incident_id: int
    seq: int
    at: datetime
    actor: str
    action: Action
    item_id: int | None
    item_sha256: str
    note: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Break:
    """Where the chain is broken: the first bad entry and what is wrong with it."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.problem}"


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("custody times are aware UTC datetimes")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    incident_id: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    item_id: int | None,
    item_sha256: str,
    note: str,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical encoding (compact JSON array, UTF-8) of the entry's fields."""
    fields = [incident_id, seq, _iso(at), actor, action, item_id, item_sha256, note, prev_hash]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_of(entry: Entry) -> str:
    return entry_hash(
        incident_id=entry.incident_id,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action.value,
        item_id=entry.item_id,
        item_sha256=entry.item_sha256,
        note=entry.note,
        prev_hash=entry.prev_hash,
    )


def append(
    log: Sequence[Entry],
    *,
    incident_id: int,
    at: datetime,
    actor: str,
    action: Action,
    item: Item | None = None,
    note: str = "",
) -> Entry:
    """The next entry after ``log`` (the incident's entries in order)."""
    last = log[-1] if log else None
    seq = last.seq + 1 if last else 1
    prev = last.hash if last else GENESIS
    item_id = item.id if item else None
    sha = item.sha256 if item else ""
    note = clean_text(note, "note", MAX_NOTE)
    actor = actor[:MAX_NAME]
    digest = entry_hash(
        incident_id=incident_id,
        seq=seq,
        at=at,
        actor=actor,
        action=action.value,
        item_id=item_id,
        item_sha256=sha,
        note=note,
        prev_hash=prev,
    )
    return Entry(incident_id, seq, at, actor, action, item_id, sha, note, prev, digest)


def verify(entries: Sequence[Entry]) -> Break | None:
    """The first entry that breaks the chain (edited, or following a removed or reordered
    one), or ``None`` when the whole log holds together. ``entries`` in the order stored."""
    previous: Entry | None = None
    for expected, entry in enumerate(entries, start=1):
        if entry.seq != expected:
            what = "removed or moved" if entry.seq > expected else "moved or duplicated"
            return Break(entry.seq, f"found where entry {expected} should be: an entry was {what}")
        wanted = previous.hash if previous else GENESIS
        before = f"entry {previous.seq}" if previous else "the start of the log"
        linked = entry.prev_hash == wanted
        if _hash_of(entry) != entry.hash:
            if linked:
                return Break(entry.seq, "its fields do not match its hash: the entry was edited")
            return Break(
                entry.seq,
                f"its fields do not match its hash and it does not follow {before}: moved or edited",
            )
        if not linked:
            return Break(entry.seq, f"its previous hash does not match {before}: the log was rewritten")
        previous = entry
    return None


def held(entries: Sequence[Entry]) -> bool:
    """Whether the locker is under legal hold: the latest hold entry is ``hold_on``."""
    for entry in reversed(entries):
        if entry.action is Action.HOLD_ON:
            return True
        if entry.action is Action.HOLD_OFF:
            return False
    return False


def check_deletable(item: Item, entries: Sequence[Entry]) -> None:
    """A legal hold forbids deleting evidence (409); so does deleting twice."""
    if held(entries):
        raise Conflict(f"evidence item {item.id} is under legal hold: lift the hold before deleting it")
    if not item.live:
        raise Conflict(f"evidence item {item.id} was already deleted")


def check_hold(entries: Sequence[Entry], on: bool) -> None:
    if held(entries) == on:
        raise Conflict(
            "the locker is already under legal hold" if on else "the locker is not under legal hold"
        )


def clean_text(value: str, field: str, limit: int) -> str:
    """Text stored as given, minus surrounding space; NUL and over-long text are a 422 naming
    the field."""
    value = value.strip()
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character (\\0), which cannot be stored")
    if len(value) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters")
    return value


def safe_name(original: str) -> str:
    """The original file name, kept as metadata only: its last path part, control characters,
    quotes and separators removed (``../../etc/passwd`` -> ``passwd``). Never a storage path."""
    last = re.split(r"[/\\]", original.replace("\x00", ""))[-1]
    text = unicodedata.normalize("NFC", last)
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C" and c not in '"<>|:*?')
    kept = kept.strip().lstrip(".").strip()
    return kept[:MAX_NAME] or "evidence"


def check_sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise InvalidInput(f"not a SHA-256 digest: {value[:80]!r}")
    return value


def reference_item(
    incident_id: int, reference: str, label: str, description: str, *, at: datetime, by: str
) -> Item:
    """A reference to evidence kept elsewhere (a snapshot id, a URL): its text is hashed."""
    text = clean_text(reference, "reference", MAX_REFERENCE)
    if not text:
        raise InvalidInput("reference: name the evidence kept elsewhere (a snapshot id or a URL)")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InvalidInput("reference contains a control character")
    name = clean_text(label, "label", MAX_NAME) or text[:MAX_NAME]
    return Item(
        incident_id=incident_id,
        kind=Kind.REFERENCE,
        name=name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        size=0,
        added_at=at,
        added_by=by,
        media_type="",
        reference=text,
        description=clean_text(description, "description", MAX_NOTE),
    )
