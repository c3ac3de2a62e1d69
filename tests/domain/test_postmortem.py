"""The post-mortem's deadline, reminders, completion rules and close gate, as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tocsin.domain import postmortem as pm
from tocsin.domain.errors import Conflict, InvalidInput, InvalidTransition

RESOLVED = datetime(2025, 11, 10, 14, 45, tzinfo=UTC)


def opened(**kw):
    return pm.open_postmortem(
        1, owner="rita", impact="", resolved_at=RESOLVED, within=timedelta(hours=48), **kw
    )


def test_resolution_opens_a_draft_due_48_h_later_with_three_reminders():
    doc = opened()
    assert (doc.status, doc.required, doc.due_at) == (pm.Status.DRAFT, True, RESOLVED + timedelta(hours=48))
    assert pm.reminder_times(doc) == [
        ("24h", RESOLVED + timedelta(hours=24)),
        ("4h", RESOLVED + timedelta(hours=44)),
        ("overdue", RESOLVED + timedelta(hours=48)),
    ]
    assert not doc.overdue(RESOLVED + timedelta(hours=48))
    assert doc.overdue(RESOLVED + timedelta(hours=48, seconds=1))


def test_a_reopened_and_re_resolved_draft_gets_a_new_deadline_but_a_done_one_keeps_its_state():
    later = RESOLVED + timedelta(hours=5)
    assert pm.rearm(opened(), resolved_at=later, within=timedelta(hours=48)).due_at == later + timedelta(
        hours=48
    )
    done = pm.waive(opened(), reason="drill", at=later, by="admin")
    assert pm.rearm(done, resolved_at=later, within=timedelta(hours=48)) == done
    assert pm.reminder_times(done) == []


def test_reminder_keys_are_fenced_by_the_deadline():
    a = pm.reminder_key(1, RESOLVED, "4h")
    assert a != pm.reminder_key(1, RESOLVED + timedelta(hours=1), "4h")
    assert a == pm.reminder_key(1, RESOLVED, "4h")


def test_completion_needs_root_cause_action_item_and_a_linked_5_whys():
    with pytest.raises(InvalidInput, match="a root cause, at least one action item, a 5 Whys"):
        pm.complete(opened(), at=RESOLVED, by="rita")
    item = pm.ActionItem(1, "Raise the pool to 20")
    doc = pm.PostMortem(**{**_fields(opened()), "root_cause": "pool", "action_items": (item,)})
    doc = pm.PostMortem(**{**_fields(doc), "whys": (pm.Why("Why?", "Because."),)})
    with pytest.raises(InvalidInput, match="last “because” leads to"):
        pm.complete(doc, at=RESOLVED, by="rita")
    doc = pm.PostMortem(**{**_fields(doc), "why_actions": (1,)})
    done = pm.complete(doc, at=RESOLVED, by="rita")
    assert (done.status, done.completed_by) == (pm.Status.COMPLETE, "rita")
    with pytest.raises(InvalidTransition, match="reopen it first"):
        pm.complete(done, at=RESOLVED, by="rita")
    assert pm.reopen(done).status is pm.Status.DRAFT


def _fields(doc):
    return {name: getattr(doc, name) for name in doc.__slots__}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((pm.ActionItem(0, " "),), r"action_items\[0\].title: must not be empty"),
        ((pm.ActionItem(0, "x", owner="mallory"),), r"action_items\[0\].owner: 'mallory' is not a known"),
        (
            (pm.ActionItem(0, "x", due_on=date(2025, 11, 9)),),
            r"action_items\[0\].due_on: 2025-11-09 is in the past",
        ),
        ((pm.ActionItem(9, "x"),), r"action_items\[0\].id: no action item 9"),
    ],
)
def test_bad_action_items_name_the_field(items, message):
    with pytest.raises(InvalidInput, match=message):
        pm.clean_actions(items, previous=(), today=date(2025, 11, 10), known_owner={"rita"})


def test_an_old_item_is_not_refused_because_its_date_passed():
    old = pm.ActionItem(1, "x", due_on=date(2025, 11, 1))
    (kept,) = pm.clean_actions(
        (pm.ActionItem(1, "x", due_on=date(2025, 11, 1), done=True),),
        previous=(old,),
        today=date(2025, 12, 1),
        known_owner=set(),
    )
    assert kept.done


def test_the_close_gate():
    pm.require_closable(None, required=False, incident_id=3, severity="P3")
    with pytest.raises(
        Conflict, match=r"#1 \(P1\) cannot be closed until its post-mortem is complete \(due 2025-11-12"
    ):
        pm.require_closable(opened(), required=True, incident_id=1, severity="P1")
    with pytest.raises(Conflict, match="post-mortem"):
        pm.require_closable(None, required=True, incident_id=1, severity="P1")
    pm.require_closable(
        pm.waive(opened(), reason="x", at=RESOLVED, by="a"), required=True, incident_id=1, severity="P1"
    )
