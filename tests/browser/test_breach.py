"""The GDPR breach in a real browser: a security responder marks a P0 as a security incident,
records the personal-data breach in the room's card ("Notify CNIL by T+72h"), records the
notification to the CNIL, opens the printable dossier, and finds the breach in the register."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, LiveServer, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tocsin.domain.access import SYSTEM, Actor, Role
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.services.access.users import create_user
from tocsin.services.incidents import incidents
from tocsin.services.security import breaches

pytestmark = pytest.mark.slow
EMAIL = "security@example.org"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    extra = {
        "people": {"ines": {"name": "Inès Moreau", "email": "dpo@koprogo.com"}},
        "gdpr": {"dpo": "ines"},
        "security": {"breach": {"controller": "Koprogo SRL"}},
    }
    for server in serve(tmp_path, extra):
        c = server.container
        create_user(
            c.services,
            c.passwords,
            email=EMAIL,
            role=Role.SECURITY,
            password=PASSWORD,
            name="Sam Secu",
            by=SYSTEM,
        )
        yield server


def test_from_marking_security_to_the_dossier_and_the_register(
    page: Page,
    live_server,
    artifacts,
    console_errors,  # noqa: F811 - the fixture imported above
):
    services = live_server.container.services
    sam = Actor(EMAIL, Role.SECURITY)
    created = incidents.declare_incident(
        services, title="Customer table dumped", severity=Severity.P0, by=sam
    )
    base = live_server.url
    sign_in(page, base, EMAIL)
    page.goto(f"{base}/incidents/{created.id}")
    expect(page.locator("#breach")).to_have_count(0)
    page.get_by_label("Security incident?").fill("the customer table is for sale on a forum")
    page.get_by_role("button", name="Mark as security incident").click()
    card = page.locator("#breach")
    expect(card).to_contain_text("Record the breach to start the 72 h clock to notify CNIL")

    card.get_by_label("Categories of data", exact=True).fill("email addresses, password hashes")
    card.get_by_label("Categories of data subjects").fill("customers")
    card.get_by_label("Approx. number of subjects").fill("1200")
    card.get_by_label("Likely consequences").fill("Phishing of customers; cracking of weak passwords.")
    card.get_by_label("Measures taken or proposed").fill("Passwords reset; export endpoint closed.")
    card.locator("select[name=risk]").select_option("high")
    card.get_by_label("Risk rationale").fill("Hashes with emails: account takeover is likely.")
    card.get_by_role("button", name="Record the breach").click()
    expect(page.locator(".flash")).to_contain_text("Personal-data breach recorded")
    view = breaches.view_breach(services, IncidentId(created.id), by=sam)
    assert view.clock.notify_by - view.breach.aware_at == view.clock.notify_by - view.clock.aware_at
    expect(card).to_contain_text(view.clock.headline)  # "Notify CNIL by <aware_at + 72 h> UTC"
    expect(card.locator(".breach-left")).to_contain_text("left")
    card.scroll_into_view_if_needed()
    shot(page, artifacts / "30-breach-recorded.png")
    card.screenshot(path=artifacts / "31-breach-card.png")

    card.get_by_label("Reference number").fill("CNIL-2026-0042")
    card.get_by_role("button", name="Record the notification to CNIL").click()
    expect(page.locator(".flash")).to_contain_text("Notification recorded")
    expect(card).to_contain_text("CNIL notified")
    expect(card).to_contain_text("ref CNIL-2026-0042")
    card.screenshot(path=artifacts / "32-breach-notified.png")

    with page.expect_download() as download:
        card.get_by_role("link", name="Markdown").click()
    text = download.value.path().read_text()
    assert "(b) Data protection officer (Art. 33(3)(b))" in text
    assert "Inès Moreau — dpo@koprogo.com" in text

    page.goto(f"{base}/incidents/{created.id}/breach/dossier.html")
    expect(
        page.get_by_role("heading", name="(a) Nature of the personal data breach (Art. 33(3)(a))")
    ).to_be_visible()
    expect(page.locator("body")).to_contain_text("Initial notification:")
    shot(page, artifacts / "33-breach-dossier.png")

    page.goto(f"{base}/incidents/{created.id}")
    page.get_by_role("link", name="Breaches").click()
    row = page.locator("table.breach-register tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Customer table dumped")
    expect(row).to_contain_text("Hashes with emails: account takeover is likely.")
    expect(row).to_contain_text("CNIL ref CNIL-2026-0042")
    shot(page, artifacts / "34-breach-register.png")
    assert console_errors == []


def test_a_responder_sees_no_breach_card_nor_register(page: Page, live_server):
    services = live_server.container.services
    sam = Actor(EMAIL, Role.SECURITY)
    created = incidents.declare_incident(
        services, title="Customer table dumped", severity=Severity.P0, by=sam
    )
    from tocsin.services.incidents import flags

    flags.mark_security_incident(services, created.id, by=sam)
    sign_in(page, live_server.url, "responder@example.org")
    expect(page.get_by_role("link", name="Breaches")).to_have_count(0)
    assert page.goto(f"{live_server.url}/breaches").status == 404
    assert page.goto(f"{live_server.url}/incidents/{created.id}/breach/card").status == 404
