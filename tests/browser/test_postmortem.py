"""Phase 4 in a real browser: a responder writes the post-mortem of a resolved P1, completes
it, downloads the Incident Report, and the incident can then be closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tocsin.domain.access import Actor, Role
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

pytestmark = pytest.mark.slow


def test_write_complete_download_and_close(page: Page, live_server, artifacts, console_errors):  # noqa: F811
    services = live_server.container.services
    rita = Actor("responder@example.org", Role.RESPONDER)
    created = incidents.declare_incident(
        services, title="Login fails for all users", severity=Severity.P1, by=rita
    )
    incidents.acknowledge_incident(services, created.id, by=rita)
    incidents.add_note(
        services, created.id, "DB connection pool exhausted", kind=NoteKind.ROOT_CAUSE, by=rita
    )
    incidents.add_note(services, created.id, "Restarted API service", kind=NoteKind.MITIGATION, by=rita)
    incidents.resolve_incident(services, created.id, summary="Latency back to normal", by=rita)

    base = live_server.url
    sign_in(page, base, "responder@example.org")
    page.goto(f"{base}/incidents/{created.id}")
    page.get_by_role("button", name="Close incident").click()
    expect(page.locator(".flash")).to_contain_text("cannot be closed until its post-mortem is complete")
    page.get_by_role("link", name="Open the post-mortem").click()
    expect(page.get_by_role("heading", name="Timeline des événements")).to_be_visible()
    cause = page.locator("input.pm-entry").nth(2)
    expect(cause).to_have_value("Root cause identified: DB connection pool exhausted")

    page.get_by_label("Summary").fill("Logins failed for 15 minutes during the evening peak.")
    page.get_by_label("Root cause").fill("Database connection pool size (10) insufficient under peak load.")
    page.locator("textarea[name=whys]").fill(
        "Why did logins fail? -> the API waited for database connections\n"
        "Why did it wait? -> the pool of 10 was exhausted at peak"
    )
    page.locator("textarea[name=action_items]").fill(
        "[ ] Increase connection pool to 20\n[ ] Add alert for connection pool usage > 80%"
    )
    page.locator("input[name=why_actions]").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Post-mortem saved")
    shot(page, artifacts / "20-postmortem-draft.png")

    page.get_by_role("button", name="Complete the post-mortem").click()
    expect(page.locator(".flash")).to_contain_text("Post-mortem complete")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Incident Report (.md)").click()
    text = download.value.path().read_text()
    assert text.startswith("# Incident Report - ")
    assert "- [ ] Increase connection pool to 20" in text
    assert "Root cause identified: DB connection pool exhausted" in text
    shot(page, artifacts / "21-postmortem-complete.png")

    page.goto(f"{base}/incidents/{created.id}")
    expect(page.locator("#compliance")).to_contain_text("Post-mortem complete within 48 h")
    page.get_by_role("button", name="Close incident").click()
    expect(page.locator(".flash")).to_contain_text("Closed")
    shot(page, artifacts / "22-room-closed.png")
    assert console_errors == []
