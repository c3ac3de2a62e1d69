"""Warnings for valid settings that are probably mistakes."""

from __future__ import annotations

from tocsin.config import Settings, check

STAFFED = {
    "people": {"alice": {"name": "Alice", "email": "alice@example.org"}},
    "roles": {"lead_engineer": {"members": ["alice"]}, "cto": {"members": ["alice"]}},
    "teams": {"dev": {"members": ["alice"]}},
    "schedules": {"sre_oncall": {"participants": ["alice"]}},
}


def test_staffed_plan_has_no_warnings():
    assert check(Settings.model_validate(STAFFED)) == []


def test_defaults_warn_that_nobody_is_reached():
    assert check(Settings()) == [
        "role:lead_engineer has nobody in it: P0 incidents escalated to it reach no one",
        "role:cto has nobody in it: P0 incidents escalated to it reach no one",
        "schedule:sre_oncall has nobody in it: P1 incidents escalated to it reach no one",
        "team:dev has nobody in it: P2/P3 incidents escalated to it reach no one",
    ]


def test_empty_escalation_and_inverted_response_times():
    settings = Settings.model_validate(
        STAFFED | {"severities": {"P3": {"escalate_to": []}, "P1": {"response_time": "8h"}}}
    )
    assert check(settings) == [
        "severities.P3.escalate_to is empty: nobody is notified of P3",
        "severities.P1.response_time is longer than severities.P2.response_time: "
        "the more severe level would be answered later",
    ]


def test_gdpr_deadline_beyond_72h_and_unknown_authority():
    settings = Settings.model_validate(
        STAFFED | {"gdpr": {"authority": "XYZ", "notification_deadline": "4d"}}
    )
    assert check(settings) == [
        "gdpr.notification_deadline is over 72h: GDPR Art. 33 requires notification within 72 hours",
        "gdpr.authority 'XYZ' is not one tocsin knows: set gdpr.authority_name to its full name",
    ]


def test_base_url_on_every_interface():
    settings = Settings.model_validate(STAFFED | {"server": {"host": "0.0.0.0"}})
    assert check(settings) == [
        "server.base_url is http://0.0.0.0:8080: links in notifications will not open; "
        "set server.base_url to the address people use"
    ]
