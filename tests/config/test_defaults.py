"""With no file and no environment, the settings are the plan, word for word."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tocsin.config import Settings, load_settings
from tocsin.domain.severity import Severity


@pytest.fixture
def plan():
    return load_settings({}).plan()


@pytest.mark.parametrize(
    ("severity", "name", "impact", "examples", "response_time"),
    [
        (
            Severity.P0,
            "Critical",
            "Service down pour tous",
            ("API down", "DB corruption", "security breach"),
            15,
        ),
        (Severity.P1, "High", "Fonctionnalité majeure down", ("Login fail", "paiements bloqués"), 60),
        (Severity.P2, "Medium", "Dégradation performance", ("Latence élevée", "bugs non-bloquants"), 240),
        (Severity.P3, "Low", "Problème mineur", ("Typo", "UI glitch"), 1440),
    ],
)
def test_severity_table_is_the_plans(plan, severity, name, impact, examples, response_time):
    level = plan.level(severity)
    assert (level.name, level.impact, level.examples) == (name, impact, examples)
    assert level.response_time == timedelta(minutes=response_time)
    assert level.label == f"{severity.value} ({name})"


@pytest.mark.parametrize(
    ("severity", "targets"),
    [
        (Severity.P0, ("role:lead_engineer", "role:cto")),
        (Severity.P1, ("schedule:sre_oncall",)),
        (Severity.P2, ("team:dev",)),
        (Severity.P3, ("team:dev",)),
    ],
)
def test_escalation_is_the_plans(plan, severity, targets):
    assert plan.level(severity).escalate_to == targets


@pytest.mark.parametrize(
    ("severity", "required"),
    [(Severity.P0, True), (Severity.P1, True), (Severity.P2, False), (Severity.P3, False)],
)
def test_p0_p1_get_status_page_customer_email_and_postmortem(plan, severity, required):
    level = plan.level(severity)
    assert level.status_page is required
    assert level.customer_email_after == (timedelta(hours=1) if required else None)
    assert level.postmortem_due_after == (timedelta(hours=48) if required else None)


def test_gdpr_is_cnil_within_72_hours(plan):
    assert plan.gdpr_authority == "CNIL"
    assert plan.gdpr_notification_deadline == timedelta(hours=72)
    assert load_settings({}).gdpr.authority_name == "Commission nationale de l'informatique et des libertés"


def test_the_plans_roles_team_and_schedule_exist_empty():
    settings = load_settings({})
    assert {k: v.name for k, v in settings.roles.items()} == {"lead_engineer": "Lead Engineer", "cto": "CTO"}
    assert settings.teams["dev"].name == "Équipe dev"
    schedule = settings.schedules["sre_oncall"]
    assert (schedule.name, schedule.rotation, schedule.handoff_day) == ("Astreinte SRE", "weekly", "monday")
    assert schedule.handoff.strftime("%H:%M") == "09:00"
    assert settings.people == {}


def test_operational_defaults():
    settings = Settings()
    assert settings.server.model_dump() == {
        "host": "127.0.0.1",
        "port": 8080,
        "base_url": "http://127.0.0.1:8080",
        "embedded_worker": True,
        "trusted_proxies": ("127.0.0.1",),
        "language": "en",
        "engine": "uvicorn",
    }
    assert settings.database.url == "sqlite:///./var/tocsin.db"
    assert settings.database.echo is False
    assert settings.worker.model_dump() == {
        "poll_interval_seconds": 1.0,
        "lease_seconds": 10.0,
        "heartbeat_seconds": None,
        "batch_size": 10,
        "max_attempts": 8,
        "delivery_retry_seconds": 3600.0,
        "concurrency": 8,
        "wake_on_enqueue": True,
    }
    assert settings.worker.heartbeat == 10.0 / 3
    assert (settings.logging.level, settings.logging.format) == ("INFO", "json")


def test_settings_constructed_directly_equal_loaded_defaults():
    assert Settings() == load_settings({})


def test_active_plan_reads_back_as_the_plan_writes_it():
    shown = Settings().model_dump(mode="json")
    assert [shown["severities"][s]["response_time"] for s in ("P0", "P1", "P2", "P3")] == [
        "15m",
        "1h",
        "4h",
        "24h",
    ]
    assert shown["severities"]["P0"]["postmortem_due_after"] == "48h"
    assert shown["severities"]["P3"]["customer_email_after"] is None
    assert shown["gdpr"]["notification_deadline"] == "72h"
    assert shown["schedules"]["sre_oncall"]["handoff"] == "09:00"
