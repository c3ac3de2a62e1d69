"""The UI in French with one setting (Preferences), in a real browser; times in the browser's
time zone with UTC on hover. Screenshots: test-artifacts/50-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

pytestmark = pytest.mark.slow


def test_one_setting_switches_the_ui_to_french(page: Page, live_server, artifacts, console_errors):  # noqa: F811
    services = live_server.container.services
    rita = Actor("responder@example.org", Role.RESPONDER)
    created = incidents.declare_incident(
        services, title="Login fails for all users", severity=Severity.P1, by=rita
    )
    base = live_server.url
    sign_in(page, base, "responder@example.org")  # the browser asks for en-GB
    page.get_by_role("link", name="Responder Example").click()
    page.get_by_label("Français").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Préférences enregistrées")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Incidents ouverts"))).to_be_visible()
    expect(page.locator(".clock-text").first).to_contain_text("encore")  # ticked by tocsin.js, in French
    expect(page.locator(".phase").first).to_have_text("Détection")
    shot(page, artifacts / "50-dashboard-fr.png")

    page.get_by_role("link", name=re.compile("Login fails for all users")).click()
    expect(page.get_by_role("button", name="Acquitter")).to_be_visible()
    expect(
        page.locator("#triage-title ~ form label", has_text="Combien d'utilisateurs affectés ?")
    ).to_be_visible()  # the plan's own words
    shot(page, artifacts / "51-room-fr.png")
    page.get_by_role("button", name="Acquitter").click()
    expect(page.locator(".flash")).to_contain_text("Acquitté : le chrono de réponse est arrêté")
    expect(page.locator("#timeline")).to_contain_text("acquitté")
    assert created.id
    assert not console_errors


def test_times_in_the_browsers_time_zone_with_utc_on_hover(browser: Browser, live_server, artifacts):
    services = live_server.container.services
    rita = Actor("responder@example.org", Role.RESPONDER)
    created = incidents.declare_incident(services, title="API down", severity=Severity.P0, by=rita)
    context = browser.new_context(
        locale="fr-BE", timezone_id="Europe/Brussels", viewport={"width": 1440, "height": 1000}
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/sign-in")
        expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()  # Accept-Language: fr-BE
        page.get_by_label("E-mail").fill("responder@example.org")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{live_server.url}/incidents/{created.id}")
        detected = page.locator(".facts time[data-local]").first
        utc = f"{created.detected_at:%Y-%m-%d %H:%M} UTC"
        expect(detected).to_have_attribute("title", utc)
        expect(detected).not_to_have_text(utc)  # converted by tocsin.js
        expect(detected).to_have_text(
            re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST|UTC\+[12]|GMT\+[12])$")
        )
        expect(page.locator("footer")).to_contain_text("heures en Europe/Brussels (UTC au survol)")
        shot(page, artifacts / "52-room-fr-brussels.png")
    finally:
        context.close()
