"""The public status page in Debian's Chromium: JavaScript off, desktop and phone widths, with a
screenshot of each in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from tests.live_server import running
from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock, SystemClock
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.incident import IncidentId
from tocsin.domain.maintenance import MaintenanceStatus
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.incidents import incidents
from tocsin.services.statuspage import maintenance, statuspage
from tocsin.web.app import create_app

COMPONENTS = {
    "login": {"name": "Login", "group": "Application"},
    "api": {"name": "API", "group": "Application"},
    "payments": {"name": "Payments"},
}


@pytest.fixture
def status_server(tmp_path) -> Iterator[str]:
    db = f"sqlite:///{tmp_path / 'tocsin.db'}"
    migrate.upgrade(db)
    settings = Settings.model_validate(
        {"database": {"url": db}, "statuspage": {"name": "KoproGo Status", "components": COMPONENTS}}
    )
    clock = ManualClock(SystemClock().now() - timedelta(days=3))
    container = bootstrap.build(settings, clock=clock)
    svc = container.services
    old = incidents.declare_incident(svc, title="x", severity=Severity.P0, by=SYSTEM)
    statuspage.post_status_update(
        svc,
        IncidentId(old.id),
        status=UpdateStatus.INVESTIGATING,
        message="Payments are down.",
        components=["payments"],
        by=SYSTEM,
    )
    clock.advance(timedelta(hours=2))
    statuspage.post_status_update(
        svc, IncidentId(old.id), status=UpdateStatus.RESOLVED, message="Payments are back.", by=SYSTEM
    )
    done = maintenance.schedule(
        svc,
        name="Database upgrade",
        message="PostgreSQL moves to a new major version.",
        scheduled_for=clock.now() + timedelta(hours=1),
        scheduled_until=clock.now() + timedelta(hours=2),
        components=["api"],
        by=SYSTEM,
    )
    clock.advance(timedelta(hours=1))
    maintenance.post_update(
        svc, done.id, status=MaintenanceStatus.IN_PROGRESS, message="Upgrade under way.", by=SYSTEM
    )
    clock.advance(timedelta(minutes=50))
    maintenance.post_update(
        svc, done.id, status=MaintenanceStatus.COMPLETED, message="Upgrade complete.", by=SYSTEM
    )
    clock.advance(timedelta(days=3) - timedelta(minutes=20) - timedelta(hours=1, minutes=50))
    maintenance.schedule(
        svc,
        name="Payment provider migration",
        message="Payments may be unavailable for a few minutes.",
        scheduled_for=clock.now() + timedelta(days=2),
        scheduled_until=clock.now() + timedelta(days=2, hours=1),
        components=["payments"],
        by=SYSTEM,
    )
    now = incidents.declare_incident(svc, title="x", severity=Severity.P1, by=SYSTEM)
    statuspage.post_status_update(
        svc,
        IncidentId(now.id),
        status=UpdateStatus.INVESTIGATING,
        message="We are currently investigating issues with login functionality.",
        components=["login"],
        by=SYSTEM,
    )
    clock.advance(timedelta(minutes=5))
    statuspage.post_status_update(
        svc,
        IncidentId(now.id),
        status=UpdateStatus.IDENTIFIED,
        message="The issue has been identified as a database connection problem.",
        by=SYSTEM,
    )
    try:
        with running(create_app(container)) as url:
            yield url
    finally:
        container.close()


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_status_page_without_javascript(browser: Browser, status_server, artifacts, width, name):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{status_server}/status/")
    expect(page.get_by_role("status")).to_have_text("Partial System Outage")
    active = page.get_by_role("region", name="Active incidents")
    expect(active).to_contain_text(
        "🟡 Identified - The issue has been identified as a database connection problem."
    )
    expect(active).to_contain_text("Posted:")
    expect(page.get_by_role("region", name="Past incidents (14 days)")).to_contain_text("🟢 Resolved")
    expect(page.get_by_role("region", name="Upcoming maintenance")).to_contain_text(
        "Payment provider migration"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways"
    page.screenshot(path=artifacts / f"status-page-{name}.png", full_page=True)
    context.close()


def test_history_lists_incidents_and_completed_maintenance(browser: Browser, status_server, artifacts):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{status_server}/status/history")
    done = page.get_by_role("region", name="Completed maintenance (14 days)")
    expect(done.get_by_role("heading", name="Database upgrade")).to_be_visible()
    expect(done).to_contain_text("Affects: API")
    expect(done).to_contain_text("Upgrade complete.")
    expect(page.get_by_role("main")).not_to_contain_text("Payment provider migration")  # not done yet
    page.screenshot(path=artifacts / "status-history.png", full_page=True)
    context.close()


def test_the_status_page_is_styled_under_its_content_security_policy(browser: Browser, status_server):
    """The page is sent with a CSP that allows its one inline stylesheet by hash: it still
    renders styled, and the browser reports no violation."""
    page = browser.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    response = page.goto(f"{status_server}/status/")
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    banner = page.get_by_role("status")
    expect(banner).to_have_text("Partial System Outage")
    colour = banner.evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "the inline stylesheet was blocked"
    assert refused == []
    page.close()
