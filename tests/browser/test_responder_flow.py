"""A responder's first hour, in a real browser: sign in, declare a P1, acknowledge it, add a
note, resolve it. The countdown must move on its own and the console must stay clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def shot(page: Page, path) -> None:
    """A full-page screenshot from the top (the sticky bar would otherwise sit mid-page)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_declare_acknowledge_note_resolve(page: Page, live_server, artifacts, console_errors):
    base = live_server.url
    page.goto(f"{base}/sign-in")
    page.screenshot(path=artifacts / "01-sign-in.png")
    sign_in(page, base, "responder@example.org")
    shot(page, artifacts / "02-dashboard-empty.png")

    page.get_by_role("link", name="+ Declare incident").click()
    page.get_by_label("What is wrong?").fill("Login fails for all users")
    page.locator("label.sev-option-p1").click()
    page.get_by_label("Details (optional)").fill("Reported by support: 500 on /login since 14:28.")
    shot(page, artifacts / "03-declare.png")
    page.get_by_role("button", name="Declare incident").click()

    expect(page.locator(".room-title")).to_contain_text("Login fails for all users")
    clock = page.locator(".room-clock .clock-text")
    expect(clock).to_contain_text("left")
    first = clock.text_content()
    page.wait_for_timeout(1600)
    assert clock.text_content() != first, "the countdown must tick in the browser"
    shot(page, artifacts / "04-incident-room-detection.png")

    page.goto(f"{base}/")
    expect(page.locator(".incidents-table")).to_contain_text("Login fails for all users")
    expect(page.locator(".incidents-table .clock")).to_have_attribute("data-state", "ok")
    shot(page, artifacts / "05-dashboard-open-p1.png")
    page.get_by_role("link", name=re.compile("Login fails")).click()

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".flash")).to_contain_text("Acknowledged")
    expect(page.locator(".room-clock")).to_contain_text("acknowledged in")

    page.get_by_label("Add a note to the timeline").fill("DB connection pool exhausted (10/10)")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#timeline .ev-note").first).to_contain_text("DB connection pool exhausted")
    expect(page.get_by_label("Add a note to the timeline")).to_have_value("")
    shot(page, artifacts / "06-incident-room-acknowledged.png")

    page.get_by_label("Resolution summary").fill("pool size 10 → 20, latency back to normal")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".flash")).to_contain_text("Resolved")
    expect(page.locator("#room-status .phase")).to_have_text("Post-incident")
    expect(page.locator("#timeline")).to_contain_text("Resolved after")
    shot(page, artifacts / "07-incident-room-resolved.png")

    page.goto(f"{base}/")
    expect(page.get_by_text("All clear.")).to_be_visible()
    expect(page.locator("#resolved-title")).to_be_visible()
    shot(page, artifacts / "08-dashboard-resolved.png")
    assert console_errors == []


def test_the_dashboard_updates_without_a_reload(page: Page, live_server, artifacts, console_errors):
    from tocsin.domain.access import Actor, Role
    from tocsin.domain.severity import Severity
    from tocsin.services.incidents.incidents import declare_incident

    sign_in(page, live_server.url, "viewer@example.org")
    expect(page.get_by_text("All clear.")).to_be_visible()
    services = live_server.container.services
    pager = Actor("alertmanager", Role.RESPONDER)
    declare_incident(services, title="API down", severity=Severity.P0, by=pager)
    declare_incident(services, title="Latency p99 > 5s", severity=Severity.P2, by=pager)
    declare_incident(services, title="Payments blocked", severity=Severity.P1, by=pager)
    rows = page.locator(".incidents-table tbody tr")
    expect(rows).to_have_count(3, timeout=8000)
    expect(rows.nth(0)).to_contain_text("API down")
    expect(rows.nth(1)).to_contain_text("Payments blocked")
    shot(page, artifacts / "09-dashboard-live.png")
    page.get_by_role("link", name=re.compile("API down")).click()
    expect(page.get_by_text("you can follow this incident but not act on it")).to_be_visible()
    assert console_errors == []


def test_keyboard_reaches_the_main_actions(page: Page, live_server, console_errors):
    sign_in(page, live_server.url, "responder@example.org")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "+ Declare incident":
            break
    else:
        pytest.fail("the Declare button is not reachable with the keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Declare an incident")).to_be_visible()
    assert console_errors == []
