"""Who a target names at an instant, and the notifications of one event."""

from datetime import UTC, date, datetime, time, timedelta

from tocsin.domain.localtime import zone
from tocsin.domain.notification import (
    Directory,
    Event,
    Notification,
    Person,
    Purpose,
    Rules,
    Trigger,
    for_people,
    for_webhooks,
)
from tocsin.domain.oncall import Rotation, Schedule

T0 = datetime(2026, 11, 27, 10, tzinfo=UTC)
PEOPLE = {p: Person(p, p.title(), f"{p}@example.org") for p in ("ana", "ben", "cy")}
ROTA = Rotation(("ana", "ben"), zone("Europe/Paris"), date(2026, 11, 23), time(9), timedelta(days=7))
DIRECTORY = Directory(
    people=PEOPLE,
    groups={"team:dev": ("ben", "cy", "ghost")},
    schedules={"sre": Schedule("sre", "SRE", zone("Europe/Paris"), (ROTA,))},
)


def test_targets_resolve_at_an_instant_each_person_once():
    assert DIRECTORY.resolve("schedule:sre", T0) == ("ana",)
    assert DIRECTORY.resolve("schedule:sre", T0 + timedelta(days=3)) == ("ben",)
    assert DIRECTORY.resolve("team:dev", T0) == ("ben", "cy")  # unknown people are skipped
    assert DIRECTORY.resolve("person:zed", T0) == ()
    found = DIRECTORY.recipients(["schedule:sre", "team:dev", "person:ana"], T0)
    assert [(p.id, via) for p, via in found] == [
        ("ana", "schedule:sre"),
        ("ben", "team:dev"),
        ("cy", "team:dev"),
    ]


def test_rules_say_page_or_fyi():
    rules = Rules(page=frozenset({Trigger.OPENED}), fyi=frozenset({Trigger.RESOLVED}))
    assert rules.purpose(Trigger.OPENED) is Purpose.PAGE
    assert rules.purpose(Trigger.RESOLVED) is Purpose.FYI
    assert rules.purpose(Trigger.ESCALATED) is None


def test_one_notification_per_person_and_channel_and_webhook_with_unique_keys():
    event = Event(4, "P1", "Login fail", "detection", Trigger.ESCALATED, "step 2", T0, batch=3, step=2)
    people = DIRECTORY.recipients(["team:dev"], T0)
    sent = for_people(event, Purpose.PAGE, people, ("email", "console"))
    sent += for_webhooks(event, {"bot": frozenset({Trigger.ESCALATED}), "quiet": frozenset()})
    assert [n.key for n in sent] == [
        "notify:4:3:ben:email",
        "notify:4:3:ben:console",
        "notify:4:3:cy:email",
        "notify:4:3:cy:console",
        "notify:4:3:bot:webhook",
    ]
    assert Notification.from_payload(sent[0].to_payload()) == sent[0]
    assert sent[0].subject == "[PAGE] [P1] #4 Login fail — escalated"
