"""On-call schedules, escalation policies and notification settings in ``tocsin.yaml``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import yaml

from tocsin.config import ConfigError, Settings, load_settings_file
from tocsin.config.escalation import config_errors, policies
from tocsin.config.paging import paging
from tocsin.domain.notification import Trigger
from tocsin.domain.oncall import on_call
from tocsin.domain.severity import Severity

PEOPLE = {p: {"name": p.title(), "email": f"{p}@example.org"} for p in ("ana", "ben", "cy")}


def settings(**sections):
    return Settings.model_validate({"people": PEOPLE, **sections})


def test_todays_schedule_keys_are_the_first_layer():
    loaded = settings(schedules={"sre_oncall": {"participants": ["ana", "ben"], "timezone": "Europe/Paris"}})
    schedule = loaded.schedules["sre_oncall"].to_domain("sre_oncall")
    [layer] = schedule.layers
    assert layer.anchor == date(2024, 1, 1)  # a Monday: the first weekly handoff
    assert layer.period == timedelta(days=7)
    assert schedule.tz.key == "Europe/Paris"


def test_layers_overrides_and_a_custom_rotation():
    loaded = settings(
        schedules={
            "ops": {
                "name": "Ops",
                "timezone": "Europe/Brussels",
                "rotation": "custom",
                "shift_length": "3d",
                "starts_on": "2026-11-01",
                "participants": ["ana", "ben"],
                "layers": [
                    {
                        "participants": ["cy"],
                        "rotation": "daily",
                        "weekdays": "saturday, sunday",
                        "between": "10:00-16:00",
                    }
                ],
                "overrides": [{"person": "ben", "from": "2026-12-24 18:00", "to": "2026-12-26 09:00"}],
            }
        }
    )
    schedule = loaded.schedules["ops"].to_domain("ops")
    assert len(schedule.layers) == 2
    assert on_call(schedule, datetime(2026, 11, 28, 10, tzinfo=UTC)).person == "cy"  # Saturday 11:00
    assert on_call(schedule, datetime(2026, 12, 24, 17, 30, tzinfo=UTC)).person == "ben"  # 18:30 local
    assert loaded.members_of("schedule:ops") == ["ana", "ben", "cy"]
    assert not [e for e in config_errors(loaded) if e.startswith("schedules.ops")]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"rotation": "custom"}, "a custom rotation needs shift_length"),
        ({"shift_length": "2d"}, "shift_length is for rotation: custom only"),
        ({"rotation": "custom", "shift_length": "30m"}, "at least 1h"),
        ({"layers": [{"between": "9-5"}]}, "not a daily window"),
        ({"layers": [{"weekdays": ["funday"]}]}, "not a weekday"),
        (
            {"overrides": [{"person": "ana", "from": "2026-12-02", "to": "2026-12-01"}]},
            "'to' must be after 'from'",
        ),
        (
            {"overrides": [{"person": "zed", "from": "2026-12-01", "to": "2026-12-02"}]},
            "person 'zed' is not defined",
        ),
    ],
)
def test_bad_schedules_are_refused_with_their_place(plan_file, schedule, message):
    path = plan_file(yaml.safe_dump({"people": PEOPLE, "schedules": {"ops": {"name": "Ops", **schedule}}}))
    with pytest.raises(ConfigError) as error:
        load_settings_file(path)
    assert message in str(error.value)
    assert "schedules.ops" in str(error.value)


def test_the_plans_policies_and_backwards_compatible_escalate_to():
    defaults = policies(Settings())
    assert [s.targets for s in defaults[Severity.P0].steps] == [("role:lead_engineer", "role:cto")]
    assert [s.targets for s in defaults[Severity.P1].steps] == [
        ("schedule:sre_oncall",),
        ("role:lead_engineer",),
    ]
    assert [s.wait for s in defaults[Severity.P1].steps] == [timedelta(hours=1)] * 2
    assert [s.targets for s in defaults[Severity.P3].steps] == [("team:dev",)]
    legacy = policies(settings(severities={"P2": {"escalate_to": ["person:ana"], "response_time": "2h"}}))
    [step] = legacy[Severity.P2].steps
    assert (step.targets, step.wait) == (("person:ana",), timedelta(hours=2))


def test_a_written_policy():
    loaded = settings(
        escalation={"P1": {"steps": [{"targets": "person:ana", "wait": "10m"}, {}], "repeat": 2}}
    )
    policy = policies(loaded)[Severity.P1]
    assert [s.targets for s in policy.steps] == [("person:ana",), ("schedule:sre_oncall",)]
    assert policy.total == 6


def test_notification_secrets_never_show(plan_file):
    loaded = settings(
        notifications={
            "email": {"enabled": True, "password": "hunter2", "security": "starttls"},
            "webhooks": {
                "bot": {"url": "https://bot.invalid/x", "secret": "s3cret", "events": "opened, resolved"}
            },
            "rules": {"P3": {"page": ["opened"], "fyi": []}},
        }
    )
    shown = repr(loaded) + str(loaded.model_dump(mode="json"))
    assert "hunter2" not in shown
    assert "s3cret" not in shown
    built = paging(loaded)
    assert built.person_channels == ("email",)
    assert {t.value for t in built.webhooks["bot"]} == {"opened", "resolved"}
    assert (built.rules[Severity.P3].page, built.rules[Severity.P3].fyi) == ({Trigger.OPENED}, frozenset())


@pytest.mark.parametrize(
    ("notifications", "message"),
    [
        ({"rules": {"P1": {"page": ["resolved"]}}}, "not one of escalated, opened"),
        ({"webhooks": {"bot": {"url": "ftp://x"}}}, "not an http(s) URL"),
        ({"email": {"security": "tls"}}, "security"),
    ],
)
def test_bad_notification_settings(notifications, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings(notifications=notifications)
