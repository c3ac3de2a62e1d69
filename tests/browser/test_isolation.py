"""Isolation in a real browser: a security responder blocks an IP range from the room of a
security incident (a confirmation page shows the request first), sees it active and on the
timeline, then undoes it. The fake WAF receives both requests with the token from the
environment, which the pages never show."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tests.waf_fake import ENV, TOKEN, action, running
from tocsin.domain.access import SYSTEM, Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.access.users import create_user
from tocsin.services.incidents import flags, incidents

pytestmark = pytest.mark.slow


@pytest.fixture
def waf():
    with running() as fake:
        yield fake


@pytest.fixture
def server(tmp_path, waf):
    extra = {"security": {"isolation": {"actions": {"block_ip_range": action(waf.url)}}}}
    yield from serve(tmp_path, extra, environ=ENV)


def test_run_then_undo_from_the_room(page: Page, server, waf, artifacts, console_errors):  # noqa: F811
    services = server.container.services
    create_user(
        services, server.container.passwords, email="sam@example.org", role=Role.SECURITY,
        password=PASSWORD, name="Sam Security", by=SYSTEM,
    )  # fmt: skip
    rita = Actor("responder@example.org", Role.RESPONDER)
    created = incidents.declare_incident(services, title="Credential stuffing", severity=Severity.P1, by=rita)
    flags.mark_security_incident(services, created.id, reason="logins from one range", by=rita)

    base = server.url
    sign_in(page, base, "sam@example.org")
    page.goto(f"{base}/incidents/{created.id}")
    card = page.locator("#isolation")
    expect(card).to_contain_text("Block IP range")
    expect(card.locator(".iso-state")).to_have_text("never run")
    card.get_by_label("CIDR").fill("203.0.113.0/24")
    card.get_by_role("button", name="Run…").click()

    expect(page.get_by_role("heading", name="The request")).to_be_visible()
    expect(page.locator("#iso-method")).to_have_text("POST")
    expect(page.locator("#iso-url")).to_have_text(f"{waf.url}/rules")
    expect(page.locator("#iso-body")).to_contain_text('"cidr": "203.0.113.0/24"')
    assert TOKEN not in page.content()
    assert waf.requests == []
    shot(page, artifacts / "40-isolation-confirm.png")
    page.get_by_role("button", name="Send POST now").click()

    expect(page.locator(".flash")).to_contain_text(
        f"Isolation 'Block IP range' run: POST {waf.url}/rules → 201"
    )
    expect(card.locator(".iso-state")).to_have_text("active")
    expect(page.locator("#timeline")).to_contain_text("Isolation 'Block IP range' run: POST")
    assert waf.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    shot(page, artifacts / "41-isolation-active.png")

    waf.status = 204
    card.get_by_role("button", name="Undo…").click()
    expect(page.locator("#iso-method")).to_have_text("DELETE")
    expect(page.locator("#iso-url")).to_have_text(f"{waf.url}/rules/203.0.113.0%2F24")
    page.get_by_role("button", name="Send DELETE now").click()
    expect(page.locator(".flash")).to_contain_text("undo: DELETE")
    expect(card.locator(".iso-state")).to_have_text("undone")
    assert [r.method for r in waf.requests] == ["POST", "DELETE"]
    assert TOKEN not in page.content()
    shot(page, artifacts / "42-isolation-undone.png")
    assert console_errors == []


def test_a_responder_sees_no_isolation_card(page: Page, server, waf):
    services = server.container.services
    rita = Actor("responder@example.org", Role.RESPONDER)
    created = incidents.declare_incident(services, title="Odd logins", severity=Severity.P2, by=rita)
    flags.mark_security_incident(services, created.id, reason="suspicious", by=rita)
    sign_in(page, server.url, "responder@example.org")
    page.goto(f"{server.url}/incidents/{created.id}")
    expect(page.locator("#isolation")).to_have_count(0)
    page.goto(f"{server.url}/incidents/{created.id}/isolation/block_ip_range/confirm?param.cidr=10.0.0.0/8")
    expect(page.locator("#iso-method")).to_have_count(0)
    assert waf.requests == []
