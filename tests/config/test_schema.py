"""Settings built directly (as tests and the UI do), and the plan they produce."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from tocsin.config import Settings, load_settings
from tocsin.domain.severity import Severity


def test_partial_severity_from_python_keeps_the_plan():
    settings = Settings.model_validate({"severities": {"p1": {"response_time": 1800}}})
    assert settings.severities[Severity.P1].response_time == timedelta(minutes=30)
    assert settings.severities[Severity.P1].impact == "Fonctionnalité majeure down"


def test_examples_may_be_written_as_the_plan_does():
    settings = Settings.model_validate({"severities": {"P1": {"examples": "Login fail, paiements bloqués"}}})
    assert settings.severities[Severity.P1].examples == ["Login fail", "paiements bloqués"]


def test_settings_are_frozen():
    with pytest.raises(ValidationError):
        Settings().server.port = 1  # type: ignore[misc]


def test_undefined_reference_fails_direct_construction_too():
    with pytest.raises(ValidationError, match=r"severities\.P0\.escalate_to\[1\]: role 'ceo' is not defined"):
        Settings.model_validate({"severities": {"P0": {"escalate_to": ["role:cto", "role:ceo"]}}})


def test_shown_settings_read_back_to_the_same_settings():
    settings = Settings.model_validate(
        {
            "people": {"alice": {"name": "Alice", "email": "alice@example.org", "timezone": "Europe/Paris"}},
            "schedules": {"sre_oncall": {"participants": ["alice"], "handoff": "8:30"}},
            "severities": {"P2": {"response_time": "1h30m", "customer_email_after": "90m"}},
        }
    )
    assert Settings.model_validate(settings.model_dump(mode="json")) == settings
    assert settings.model_dump(mode="json")["severities"]["P2"]["response_time"] == "1h30m"


@pytest.mark.parametrize(
    ("target", "members"),
    [
        ("role:cto", ["alice"]),
        ("team:dev", []),
        ("schedule:sre_oncall", ["alice", "bob"]),
        ("person:bob", ["bob"]),
        ("person:nobody", []),
    ],
)
def test_members_of_a_target(target, members):
    settings = Settings.model_validate(
        {
            "people": {
                "alice": {"name": "Alice", "email": "alice@example.org"},
                "bob": {"name": "Bob", "email": "bob@example.org"},
            },
            "roles": {"cto": {"members": ["alice"]}},
            "schedules": {"sre_oncall": {"participants": ["alice", "bob"]}},
        }
    )
    assert settings.members_of(target) == members


def test_plan_is_built_from_settings():
    plan = load_settings(
        {"TOCSIN_SEVERITIES__P3__RESPONSE_TIME": "2d", "TOCSIN_GDPR__AUTHORITY": "APD"}
    ).plan()
    assert plan.response_time(Severity.P3) == timedelta(days=2)
    assert plan.gdpr_authority == "APD"


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        ("people", {"a": {"name": "A", "email": "not-an-email"}}, "not an email address"),
        ("schedules", {"sre_oncall": {"handoff": "25:00"}}, "not a time of day"),
        ("logging", {"level": "verbose"}, "Input should be 'DEBUG'"),
        ("server", {"base_url": "tocsin.example.org"}, "not an http(s) URL"),
        ("worker", {"batch_size": 0}, "greater than or equal to 1"),
    ],
)
def test_invalid_values(section, values, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.model_validate({section: values})


def test_logging_level_in_any_case():
    assert (
        Settings.model_validate({"logging": {"level": "debug", "format": "CONSOLE"}}).logging.level == "DEBUG"
    )


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 10**20, -5, "soon", [1]])
def test_unusable_durations_are_validation_errors(value):
    with pytest.raises(ValidationError, match=r"severities\.P1\.response_time"):
        Settings.model_validate({"severities": {"P1": {"response_time": value}}})


def test_a_heartbeat_slower_than_the_lease_is_refused():
    with pytest.raises(
        ValidationError, match=r"heartbeat_seconds \(5 s\) must be shorter than lease_seconds \(4 s\)"
    ):
        Settings.model_validate({"worker": {"lease_seconds": 4, "heartbeat_seconds": 5}})
    assert (
        Settings.model_validate({"worker": {"lease_seconds": 4, "heartbeat_seconds": 1}}).worker.heartbeat
        == 1
    )
