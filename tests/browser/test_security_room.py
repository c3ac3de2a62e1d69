"""A security incident in a real browser: the security role works the plan's five steps in the
room (state, owner, note, on the timeline); a viewer opening the same room sees only
"Restricted incident #N (P1)" and its clock."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tocsin.domain.access import SYSTEM, Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.access.users import create_user
from tocsin.services.incidents import incidents

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    yield from serve(tmp_path)


def test_the_security_role_works_the_steps_and_a_viewer_sees_a_restricted_room(
    page: Page,
    server,
    artifacts,
    console_errors,  # noqa: F811
):
    services = server.container.services
    create_user(
        services, server.container.passwords, email="sam@example.org", role=Role.SECURITY,
        password=PASSWORD, name="Sam Security", by=SYSTEM,
    )  # fmt: skip
    sam = Actor("sam@example.org", Role.SECURITY)
    created = incidents.declare_incident(
        services, title="Customer table dumped", severity=Severity.P1, security=True, by=sam
    )
    base = server.url

    sign_in(page, base, "sam@example.org")
    page.goto(f"{base}/incidents/{created.id}")
    procedure = page.locator("#security")
    expect(procedure).to_contain_text("Isolation : Bloquer trafic si nécessaire")
    procedure.get_by_text("Update step 1").click()
    step = procedure.locator("form").first
    step.get_by_label("State").select_option("in_progress")
    step.get_by_label("Owner").fill("Sam")
    step.get_by_label("Note").fill("WAF rule on 203.0.113.0/24")
    step.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").or_(page.locator(".flash"))).to_contain_text("Security step 1 recorded")
    first = page.locator(".sec-step").first
    expect(first.locator(".sec-state")).to_have_text("in progress")
    expect(first).to_contain_text("owner Sam")
    expect(first).to_contain_text("WAF rule on 203.0.113.0/24")
    expect(page.locator("#timeline")).to_contain_text("Security step 1 (Isolation): in progress, owner Sam")
    shot(page, artifacts / "43-security-procedure.png")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "viewer@example.org")
    expect(page.locator("main")).to_contain_text(f"Restricted incident #{created.id} (P1)")
    expect(page.locator("main")).not_to_contain_text("Customer table dumped")
    page.goto(f"{base}/incidents/{created.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"#{created.id} Restricted incident #{created.id} (P1)"
    )
    expect(page.locator("main")).to_contain_text("Response clock")
    assert "Customer table dumped" not in page.content()
    assert "WAF rule" not in page.content()
    shot(page, artifacts / "44-restricted-room.png")
