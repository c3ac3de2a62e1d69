"""Loading: defaults < tocsin.yaml < TOCSIN_* variables, and errors that say where."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tocsin.config import ConfigError, check, load_settings, load_settings_file
from tocsin.domain.severity import Severity

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.yaml"


def problems(environ: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return list(caught.value.problems)


def test_one_field_in_the_file_keeps_the_rest_of_the_plan(plan_file):
    path = plan_file(
        """
        severities:
          P1:
            response_time: 30m
        """
    )
    settings = load_settings({"TOCSIN_CONFIG": str(path)})
    p1 = settings.plan().level(Severity.P1)
    assert p1.response_time == timedelta(minutes=30)
    assert (p1.name, p1.escalate_to, p1.status_page) == ("High", ("schedule:sre_oncall",), True)
    assert settings.plan().response_time(Severity.P0) == timedelta(minutes=15)
    assert settings.server.port == 8080


def test_file_adds_people_to_default_roles_without_losing_their_names(plan_file):
    path = plan_file(
        """
        people:
          alice: {name: Alice, email: alice@example.org}
        roles:
          cto:
            members: [alice]
        """
    )
    settings = load_settings({"TOCSIN_CONFIG": str(path)})
    assert settings.roles["cto"].name == "CTO"
    assert settings.roles["cto"].members == ["alice"]
    assert "lead_engineer" in settings.roles


def test_empty_section_in_the_file_changes_nothing(plan_file):
    path = plan_file(
        """
        people:
          # nobody yet
        severities:
        """
    )
    assert load_settings({"TOCSIN_CONFIG": str(path)}) == load_settings({})


def test_base_url_follows_host_and_port_unless_set(plan_file):
    path = plan_file("server: {port: 9000}\n")
    assert load_settings({"TOCSIN_CONFIG": str(path)}).server.base_url == "http://127.0.0.1:9000"
    path = plan_file("server: {port: 9000, base_url: 'https://tocsin.example.org/'}\n")
    assert load_settings({"TOCSIN_CONFIG": str(path)}).server.base_url == "https://tocsin.example.org"


def test_another_gdpr_authority_gets_its_own_name(plan_file):
    path = plan_file("gdpr: {authority: APD}\n")
    gdpr = load_settings({"TOCSIN_CONFIG": str(path)}).gdpr
    assert gdpr.authority == "APD"
    assert "Autorité de protection des données" in gdpr.authority_name


def test_environment_overrides_nested_keys_in_any_case():
    settings = load_settings(
        {
            "TOCSIN_SERVER__PORT": "9000",
            "tocsin_severities__p1__response_time": "30m",
            "TOCSIN_LOGGING__Format": "console",
            "TOCSIN_WORKER__BATCH_SIZE": "50",
            "TOCSIN_SERVER__EMBEDDED_WORKER": "false",
        }
    )
    assert settings.server.port == 9000
    assert settings.server.embedded_worker is False
    assert settings.severities[Severity.P1].response_time == timedelta(minutes=30)
    assert settings.severities[Severity.P1].name == "High"
    assert settings.logging.format == "console"
    assert settings.worker.batch_size == 50


def test_environment_lists_are_comma_separated_and_create_entries():
    settings = load_settings(
        {
            "TOCSIN_PEOPLE__ALICE__NAME": "Alice",
            "TOCSIN_PEOPLE__ALICE__EMAIL": "alice@example.org",
            "TOCSIN_TEAMS__DEV__MEMBERS": "alice",
            "TOCSIN_SEVERITIES__P2__ESCALATE_TO": "team:dev, person:alice",
            "TOCSIN_SEVERITIES__P0__CUSTOMER_EMAIL_AFTER": "none",
        }
    )
    assert settings.people["alice"].email == "alice@example.org"
    assert settings.teams["dev"].members == ["alice"]
    assert settings.severities[Severity.P2].escalate_to == ["team:dev", "person:alice"]
    assert settings.severities[Severity.P0].customer_email_after is None


def test_database_url_alias():
    settings = load_settings({"TOCSIN_DATABASE_URL": "postgresql+psycopg://db/tocsin"})
    assert settings.database.url == "postgresql+psycopg://db/tocsin"
    assert load_settings({"TOCSIN_DATABASE__URL": "sqlite://"}).database.url == "sqlite://"


def test_database_url_alias_and_canonical_name_must_agree():
    same = {"TOCSIN_DATABASE_URL": "sqlite://", "TOCSIN_DATABASE__URL": "sqlite://"}
    assert load_settings(same).database.url == "sqlite://"
    found = problems({"TOCSIN_DATABASE_URL": "sqlite://", "TOCSIN_DATABASE__URL": "sqlite:///x.db"})
    assert found == ["TOCSIN_DATABASE__URL: conflicts with TOCSIN_DATABASE_URL, which sets database.url"]


def test_environment_beats_the_file(plan_file):
    path = plan_file(
        """
        server:
          port: 7000
        severities:
          p1:
            response_time: 2h
        """
    )
    settings = load_settings(
        {
            "TOCSIN_CONFIG": str(path),
            "TOCSIN_SERVER__PORT": "9000",
            "TOCSIN_SEVERITIES__P1__RESPONSE_TIME": "45m",
        }
    )
    assert settings.server.port == 9000
    assert settings.severities[Severity.P1].response_time == timedelta(minutes=45)


def test_unrelated_tocsin_variables_are_ignored():
    environ = {"TOCSIN_TEST_DATABASE_URL": "postgresql://x", "TOCSIN_CONFIG": "", "PATH": "/bin"}
    assert load_settings(environ) == load_settings({})


def test_single_underscore_after_a_section_name_is_a_typo():
    assert problems({"TOCSIN_SERVER_PORT": "9000"}) == [
        "TOCSIN_SERVER_PORT: not a setting: write TOCSIN_<SECTION>__<KEY> with two underscores, "
        "e.g. TOCSIN_SERVER__<KEY>"
    ]


def test_invalid_duration_names_file_line_and_field(plan_file):
    path = plan_file(
        """
        # tocsin.yaml
        server:
          port: 8080

        severities:
          P1:
            name: High
            response_time: soon
        """
    )
    assert problems({"TOCSIN_CONFIG": str(path)}) == [
        f"{path}:8: severities.P1.response_time: not a duration: 'soon' "
        "(write e.g. 15m, 1h, 4h, 24h, 1h30m, 2d)"
    ]


def test_every_problem_is_listed_one_per_line(plan_file):
    path = plan_file(
        """
        severities:
          P4:
            name: Trivial
          P2:
            response_time: 0s
        server:
          prot: 9000
        people:
          alice:
            name: Alice
            email: alice@example.org
            timezone: Europe/Bruxelles
        """
    )
    assert problems({"TOCSIN_CONFIG": str(path)}) == [
        f"{path}:7: server.prot: unknown key (did you mean 'port'?)",
        f"{path}:5: severities.P2.response_time: must be longer than zero",
        f"{path}:2: severities.P4: unknown severity 'P4': allowed values are P0, P1, P2, P3",
        f"{path}:12: people.alice.timezone: unknown time zone: 'Europe/Bruxelles' "
        "(did you mean 'Europe/Brussels'?)",
    ]


def test_bad_references_name_the_line_of_the_reference(plan_file):
    path = plan_file(
        """
        people:
          alice: {name: Alice, email: alice@example.org}
        roles:
          cto:
            members:
              - alice
              - carol
        severities:
          P0:
            escalate_to:
              - role:lead_engineer
              - role:ceo
        """
    )
    assert problems({"TOCSIN_CONFIG": str(path)}) == [
        f"{path}:12: severities.P0.escalate_to[1]: role 'ceo' is not defined (did you mean 'cto'?)",
        f"{path}:7: roles.cto.members[1]: person 'carol' is not defined (defined: alice)",
    ]


def test_malformed_target(plan_file):
    path = plan_file("severities:\n  P3:\n    escalate_to: [dev]\n")
    [found] = problems({"TOCSIN_CONFIG": str(path)})
    assert found.startswith(f"{path}:3: severities.P3.escalate_to[0]: not an escalation target: 'dev'")


def test_yaml_syntax_error_names_file_and_line(plan_file):
    path = plan_file(
        """
        server:
          port: 8080
           host: 0.0.0.0
        """
    )
    assert problems({"TOCSIN_CONFIG": str(path)}) == [
        f"{path}:3: YAML syntax error: mapping values are not allowed here"
    ]


def test_missing_file_named_by_tocsin_config(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert problems({"TOCSIN_CONFIG": str(missing)}) == [f"{missing}: no such file (named by TOCSIN_CONFIG)"]
    with pytest.raises(ConfigError, match="no such file"):
        load_settings_file(missing)


def test_invalid_environment_variable_is_named(plan_file):
    path = plan_file("server:\n  port: 7000\n")
    assert problems(
        {
            "TOCSIN_CONFIG": str(path),
            "TOCSIN_SERVER__PORT": "abc",
            "TOCSIN_SEVERITIES__P1__RESPONSE_TIME": "soon",
        }
    ) == [
        "TOCSIN_SERVER__PORT: server.port: Input should be a valid integer, "
        "unable to parse string as an integer, got 'abc'",
        "TOCSIN_SEVERITIES__P1__RESPONSE_TIME: severities.P1.response_time: not a duration: 'soon' "
        "(write e.g. 15m, 1h, 4h, 24h, 1h30m, 2d)",
    ]


def test_unknown_section_from_the_environment():
    assert problems({"TOCSIN_SERVR__PORT": "1"}) == [
        "TOCSIN_SERVR__PORT: servr: unknown key (did you mean 'server'?)"
    ]


def test_incomplete_entry_from_the_environment_names_its_variable():
    assert problems({"TOCSIN_PEOPLE__BOB__NAME": "Bob"}) == [
        "TOCSIN_PEOPLE__BOB__NAME: people.bob.email: required, but not set"
    ]


def test_database_url_is_not_echoed_in_errors():
    [found] = problems({"TOCSIN_DATABASE_URL": ""})
    assert found.startswith("TOCSIN_DATABASE_URL: database.url: ")
    assert "got" not in found


def test_config_check_reads_the_file_alone(plan_file):
    path = plan_file("server: {port: 7000}\n")
    assert load_settings_file(path).server.port == 7000
    assert load_settings_file(path, {"TOCSIN_SERVER__PORT": "1"}).server.port == 1


def test_demo_configuration_loads_without_warnings():
    settings = load_settings({"TOCSIN_CONFIG": str(DEMO)})
    assert check(settings) == []
    assert settings.database.url == "sqlite:///./var/tocsin.db"
    assert settings.gdpr.authority == "CNIL"
    assert settings.plan() == load_settings({}).plan()
    assert 2 <= len(settings.schedules["sre_oncall"].participants) <= 3
    assert 2 <= len(settings.teams["dev"].members) <= 3


def test_the_dpo_must_be_a_known_person(plan_file):
    path = plan_file(
        """
        people:
          ines: {name: Inès Moreau, email: dpo@example.org}
        gdpr:
          authority: APD
          dpo: inez
        security:
          breach:
            reminders: [24h, 0s]
        """
    )
    found = problems({"TOCSIN_CONFIG": str(path)})
    assert any("security.breach.reminders" in p and "must come after aware_at" in p for p in found), found
    fixed = plan_file(
        """
        people:
          ines: {name: Inès Moreau, email: dpo@example.org}
        gdpr:
          dpo: inez
        """
    )
    assert problems({"TOCSIN_CONFIG": str(fixed)}) == [
        f"{fixed}:4: gdpr.dpo: person 'inez' is not defined (did you mean 'ines'?)"
    ]


def test_server_language_is_en_or_fr():
    assert load_settings({"TOCSIN_SERVER__LANGUAGE": "fr"}).server.language == "fr"
    with pytest.raises(ConfigError) as caught:
        load_settings({"TOCSIN_SERVER__LANGUAGE": "de"})
    assert "server.language" in str(caught.value)
