"""French and English in the responder UI: the user's setting, then Accept-Language, then
server.language; times in the viewer's time zone with UTC on hover."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.ui.conftest import csrf_of
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

FRENCH = {"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"}


def _declare(container, admin, title="API down"):
    return incidents.declare_incident(container.services, title=title, severity=Severity.P1, by=admin)


def test_the_dashboard_speaks_english_by_default(client, as_role):
    as_role(Role.RESPONDER)
    html = client.get("/").text
    assert '<html lang="en">' in html
    assert "Open incidents" in html
    assert "Tableau de bord" not in html


def test_accept_language_switches_the_dashboard_to_french(client, as_role):
    as_role(Role.RESPONDER)
    html = client.get("/", headers=FRENCH).text
    assert '<html lang="fr">' in html
    assert "<h1>Tableau de bord</h1>" in html
    assert "Incidents ouverts" in html
    assert "Se déconnecter" in html


def test_a_language_browsers_ask_for_but_tocsin_lacks_falls_back_to_server_language(client, as_role):
    as_role(Role.RESPONDER)
    html = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert '<html lang="en">' in html


class TestServerLanguage:
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        return Settings.model_validate({"database": {"url": db_url}, "server": {"language": "fr"}})

    def test_server_language_fr_is_the_default_of_a_browser_that_asks_nothing(self, client, as_role):
        as_role(Role.RESPONDER)
        html = client.get("/").text
        assert '<html lang="fr">' in html
        assert "Tableau de bord" in html

    def test_accept_language_beats_server_language(self, client, as_role):
        as_role(Role.RESPONDER)
        assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-GB"}).text


def test_the_preferences_page_switches_the_ui_with_one_setting(client, as_role):
    csrf = as_role(Role.RESPONDER)
    response = client.post(
        "/preferences", data={"language": "fr", "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get("/preferences", headers={"Accept-Language": "en"}).text  # their setting wins
    assert '<html lang="fr">' in page
    assert "Préférences enregistrées" in page  # the flash, already in the new language
    assert "Langue" in page
    dashboard = client.get("/", headers={"Accept-Language": "en"}).text
    assert "Tableau de bord" in dashboard
    client.post("/preferences", data={"language": "auto", "csrf_token": csrf_of(dashboard)})
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).text


def test_an_unknown_language_is_refused_and_nothing_changes(client, as_role):
    csrf = as_role(Role.RESPONDER)
    response = client.post("/preferences", data={"language": "de", "csrf_token": csrf})
    assert response.status_code == 200
    assert "language: one of en, fr" in response.text
    assert '<html lang="en">' in client.get("/").text


def test_the_room_in_french_keeps_the_plans_own_french_lines(client, as_role, container, admin):
    incident = _declare(container, admin)
    as_role(Role.RESPONDER)
    html = client.get(f"/incidents/{incident.id}", headers=FRENCH).text
    assert ">Acquitter</button>" in html
    assert "Checklist du plan" in html
    assert "Délai de réponse" in html
    assert "Détection" in html  # the phase, in the plan's word
    assert "Combien d'utilisateurs affectés ?" in html  # quoted from the plan, as written
    english = client.get(f"/incidents/{incident.id}").text
    assert "Combien d'utilisateurs affectés ?" in english
    assert ">Acknowledge</button>" in english


def test_a_flash_message_is_in_the_request_language(client, as_role, container, admin):
    incident = _declare(container, admin)
    csrf = as_role(Role.RESPONDER)
    client.post(
        f"/incidents/{incident.id}/acknowledge",
        data={"csrf_token": csrf},
        headers=FRENCH,
        follow_redirects=False,
    )
    html = client.get(f"/incidents/{incident.id}", headers=FRENCH).text
    assert "Acquitté : le chrono de réponse est arrêté" in html


def test_an_error_page_in_french(client, as_role):
    as_role(Role.RESPONDER)
    response = client.get("/incidents/999999", headers=FRENCH)
    assert response.status_code == 404
    assert "<h1>Introuvable</h1>" in response.text
    assert "Retour au tableau de bord" in response.text


def test_durations_read_as_the_plan_writes_them(client, as_role):
    as_role(Role.RESPONDER)
    html = client.get("/plan").text
    assert "&lt; 24 h" in html
    assert "&lt; 15 min" in html
    assert "1d" not in html


class TestViewerTimeZone:
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        people = {"rita": {"name": "Rita", "email": "responder@example.org", "timezone": "Europe/Brussels"}}
        return Settings.model_validate({"database": {"url": db_url}, "people": people})

    def test_times_are_in_the_persons_time_zone_with_utc_on_hover(self, client, as_role, container, admin):
        incident = _declare(container, admin)  # T0 is 10:00 UTC, 11:00 in Brussels in winter
        as_role(Role.RESPONDER)
        html = client.get(f"/incidents/{incident.id}").text
        assert 'data-tz="Europe/Brussels"' in html
        detected = incident.detected_at
        local = detected.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Brussels"))
        assert f'title="{detected:%Y-%m-%d %H:%M} UTC"' in html
        assert f">{local:%Y-%m-%d %H:%M} {local.tzname()}</time>" in html

    def test_someone_without_a_time_zone_gets_utc_for_the_browser_to_convert(
        self, client, as_role, container, admin
    ):
        incident = _declare(container, admin)
        as_role(Role.VIEWER)
        html = client.get(f"/incidents/{incident.id}").text
        assert "data-tz=" not in html
        assert f'data-local="datetime">{incident.detected_at:%Y-%m-%d %H:%M} UTC</time>' in html

    def test_the_incident_report_stays_in_utc_and_as_the_plan_writes_it(
        self, client, as_role, container, admin
    ):
        incident = _declare(container, admin)
        as_role(Role.RESPONDER)
        report = client.get(f"/incidents/{incident.id}/report.md", headers=FRENCH).text
        assert f"- {incident.detected_at:%H:%M} - Incident declared" in report  # 10:00, not 11:00
        assert "**Duration**: 10:00 start" in report


@pytest.fixture
def unsigned(client: TestClient) -> TestClient:
    return client


def test_the_sign_in_page_follows_accept_language(unsigned):
    html = unsigned.get("/sign-in", headers=FRENCH).text
    assert "<h1>Se connecter</h1>" in html
    assert "Mot de passe" in html
