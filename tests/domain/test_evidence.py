"""The custody chain: any edit, removal or reordering of an entry is found at that entry; the
legal hold forbids deletion; names never become paths."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain import evidence
from tocsin.domain.errors import Conflict, InvalidInput
from tocsin.domain.evidence import Action, Item, Kind

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ITEM = Item(7, Kind.FILE, "auth.log", "a" * 64, 12, T0, "sam", id=1)


def chain(*actions: Action) -> list[evidence.Entry]:
    log: list[evidence.Entry] = []
    for n, action in enumerate(actions):
        item = ITEM if action in (Action.ADDED, Action.DOWNLOADED, Action.DELETED) else None
        log.append(
            evidence.append(
                log, incident_id=7, at=T0 + timedelta(minutes=n), actor="sam", action=action, item=item
            )
        )
    return log


def test_an_intact_chain_verifies_and_links_each_entry_to_the_one_before():
    log = chain(Action.ADDED, Action.DOWNLOADED, Action.HOLD_ON, Action.EXPORTED)
    assert evidence.verify(log) is None
    assert [e.seq for e in log] == [1, 2, 3, 4]
    assert log[0].prev_hash == evidence.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(log))


@pytest.mark.parametrize("field", ["actor", "note", "item_sha256", "action", "at", "item_id"])
def test_editing_any_field_of_an_entry_names_that_entry(field):
    log = chain(Action.ADDED, Action.DOWNLOADED, Action.EXPORTED)
    edits = {
        "actor": "mallory",
        "note": "nothing to see",
        "item_sha256": "b" * 64,
        "action": Action.HOLD_OFF,
        "at": T0 + timedelta(hours=5),
        "item_id": 99,
    }
    log[1] = replace(log[1], **{field: edits[field]})
    found = evidence.verify(log)
    assert found is not None
    assert found.seq == 2
    assert "edited" in found.problem


def test_an_edit_whose_hash_was_recomputed_breaks_the_next_entry():
    log = chain(Action.ADDED, Action.DOWNLOADED, Action.EXPORTED)
    forged = evidence.append(log[:1], incident_id=7, at=log[1].at, actor="mallory", action=Action.DOWNLOADED)
    log[1] = forged
    found = evidence.verify(log)
    assert found is not None
    assert found.seq == 3
    assert "previous hash does not match entry 2" in found.problem


def test_a_removed_entry_is_named_by_the_one_found_in_its_place():
    log = chain(Action.ADDED, Action.DOWNLOADED, Action.EXPORTED, Action.HOLD_ON)
    del log[1]
    found = evidence.verify(log)
    assert found is not None
    assert found.seq == 3
    assert "entry 2 should be" in found.problem
    assert "removed" in found.problem


def test_reordered_entries_are_found():
    log = chain(Action.ADDED, Action.DOWNLOADED, Action.EXPORTED)
    log[1], log[2] = log[2], log[1]
    found = evidence.verify(log)
    assert found is not None
    assert found.seq == 3
    assert "entry 2 should be" in found.problem
    assert "moved" in found.problem


def test_the_latest_hold_entry_decides_and_a_hold_forbids_deletion():
    assert not evidence.held(chain(Action.ADDED))
    on = chain(Action.ADDED, Action.HOLD_ON, Action.DOWNLOADED)
    assert evidence.held(on)
    with pytest.raises(Conflict, match="legal hold"):
        evidence.check_deletable(ITEM, on)
    assert not evidence.held(chain(Action.HOLD_ON, Action.HOLD_OFF))
    evidence.check_deletable(ITEM, chain(Action.HOLD_ON, Action.HOLD_OFF))
    with pytest.raises(Conflict, match="already under legal hold"):
        evidence.check_hold(on, True)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\config", "config"),
        ("/var/log/auth.log", "auth.log"),
        ("..", "evidence"),
        ("", "evidence"),
        ('evil"\r\nX-Header: 1.png', "evilX-Header 1.png"),
        (".bashrc", "bashrc"),
        ("capture d'écran.png", "capture d'écran.png"),
    ],
)
def test_a_file_name_keeps_no_path_part_nor_control_character(given, kept):
    assert evidence.safe_name(given) == kept


def test_a_reference_is_hashed_and_its_text_checked():
    item = evidence.reference_item(7, " snap-0abc123 ", "", "EBS snapshot of db-1", at=T0, by="sam")
    assert item.kind is Kind.REFERENCE
    assert item.reference == "snap-0abc123"
    assert item.name == "snap-0abc123"
    assert len(item.sha256) == 64
    with pytest.raises(InvalidInput, match="reference"):
        evidence.reference_item(7, "  ", "", "", at=T0, by="sam")
    with pytest.raises(InvalidInput, match="NUL"):
        evidence.reference_item(7, "snap\x00", "", "", at=T0, by="sam")
