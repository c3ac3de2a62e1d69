"""Page links: derived tokens, stored hashes, and a link's state at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain import page_link as link
from tocsin.domain.notification import Notification, Purpose, Trigger
from tocsin.domain.page_link import Action, State

T0 = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


def a_page(**kw: object) -> Notification:
    values: dict[str, object] = {
        "key": "notify:12:1:nora:sms",
        "channel": "sms",
        "recipient": "nora",
        "name": "Nora Janssens",
        "address": "+32470000000",
        "purpose": Purpose.PAGE,
        "trigger": Trigger.OPENED,
        "incident_id": 12,
        "severity": "P0",
        "title": "Checkout down",
        "phase": "detection",
        "text": "step 1",
        "at": T0,
    }
    values.update(kw)
    return Notification(**values)  # type: ignore[arg-type]


def test_a_token_is_32_url_safe_characters_derived_from_the_secret_the_page_and_the_action():
    ack = link.token("s3cret", "notify:12:1:nora:sms", Action.ACK)
    assert len(ack) == 32
    assert link.well_formed(ack)
    assert ack == link.token("s3cret", "notify:12:1:nora:sms", Action.ACK)  # derived, not drawn
    others = {
        link.token("s3cret", "notify:12:1:nora:sms", Action.ESCALATE),
        link.token("s3cret", "notify:12:1:nora:email", Action.ACK),
        link.token("another", "notify:12:1:nora:sms", Action.ACK),
    }
    assert ack not in others
    assert len(others) == 3


def test_only_the_hash_is_kept_and_it_is_not_the_token():
    ack, escalate = link.links_for("s3cret", a_page(), at=T0)
    token = link.token("s3cret", "notify:12:1:nora:sms", Action.ACK)
    assert ack.token_hash == link.token_hash(token) != token
    assert (ack.action, escalate.action) == (Action.ACK, Action.ESCALATE)
    assert (ack.person_id, ack.channel, ack.incident_id) == ("nora", "sms", 12)
    assert ack.expires_at == T0 + timedelta(hours=24)


@pytest.mark.parametrize(
    ("used_at", "at", "expected"),
    [
        (None, T0, State.VALID),
        (None, T0 + timedelta(hours=23, minutes=59), State.VALID),
        (None, T0 + timedelta(hours=24), State.EXPIRED),
        (T0 + timedelta(minutes=1), T0 + timedelta(minutes=2), State.USED),
        (T0 + timedelta(minutes=1), T0 + timedelta(days=3), State.USED),  # used says more
    ],
)
def test_state(used_at, at, expected):
    ack, _ = link.links_for("s3cret", a_page(), at=T0)
    assert link.state(replace(ack, used_at=used_at), at) is expected


def test_pages_to_people_get_links_fyis_and_webhooks_do_not():
    assert link.wants_links(a_page())
    assert not link.wants_links(a_page(purpose=Purpose.FYI))
    assert not link.wants_links(a_page(channel="webhook", recipient="ops-hook"))


def test_an_empty_secret_is_refused():
    with pytest.raises(ValueError, match="secret"):
        link.token("", "notify:12:1:nora:sms", Action.ACK)


@pytest.mark.parametrize("value", ["", "short", "x" * 31 + "!", "a" * 33, "../" + "a" * 29])
def test_malformed_tokens(value):
    assert not link.well_formed(value)


def test_the_timeline_names_the_page_the_person_acted_from():
    assert link.acting_name("Nora", "sms") == "Nora (from SMS)"
    assert link.acting_name("Nora", "email") == "Nora (from e-mail)"
    assert link.url("https://tocsin.example/", "t" * 32) == "https://tocsin.example/p/" + "t" * 32
