"""Acknowledging from the page in a real browser, signed out: the link's page shows the
incident and one button; clicking it acknowledges as the paged person; following the link again
says it was used and offers sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serve
from tests.browser.test_accessibility import _violations
from tests.browser.test_responder_flow import console_errors, shot  # noqa: F401
from tests.paging_plan import plan
from tocsin.domain.access import Actor, Role
from tocsin.domain.notification import Event, Purpose, Trigger, for_people
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import page_link_tokens

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    people = {k: v for k, v in plan("unused").items() if k in ("people", "roles", "teams", "schedules")}
    yield from serve(tmp_path, people)


def sms_page(services, incident):
    """The SMS page Nora would get for ``incident``, with its links issued and attached."""
    nora = services.paging.directory.people["nora"]
    event = Event(
        incident_id=incident.id,
        severity=incident.severity.value,
        title=incident.title,
        phase=incident.phase.value,
        trigger=Trigger.OPENED,
        text="Escalation step 1/2",
        at=services.clock.now(),
        batch=1,
    )
    [page] = for_people(event, Purpose.PAGE, [(nora, "schedule:sre_oncall")], ["sms"])
    with services.uow() as uow:
        page_link_tokens.issue(uow, [page], services.clock.now())
        uow.commit()
    return page_link_tokens.attach(page_link_tokens.secret(services), services.paging.base_url, page)


def test_acknowledge_from_an_sms_link(page: Page, server, artifacts, console_errors):  # noqa: F811
    services = server.container.services
    rita = Actor("rita", Role.RESPONDER)
    created = incidents.declare_incident(
        services, title="Checkout returns 502", severity=Severity.P1, by=rita
    )
    link = sms_page(services, created).ack_url

    page.set_viewport_size({"width": 390, "height": 844})  # followed from a phone
    page.goto(link)
    expect(page.get_by_role("heading", name="Checkout returns 502")).to_be_visible()
    expect(page.locator(".page-link")).to_contain_text(f"Incident #{created.id}")
    button = page.get_by_role("button")
    expect(button).to_have_count(1)
    expect(button).to_have_text(f"Acknowledge incident #{created.id}")
    shot(page, artifacts / "60-page-link-confirm.png")
    assert _violations(page, everything=True) == []  # axe: no serious or critical violation
    assert incidents.get_incident(services, created.id, by=rita).acknowledged_at is None  # GET did nothing

    button.click()
    expect(page.get_by_role("status")).to_contain_text("Acknowledged by you, Nora Janssens")
    shot(page, artifacts / "61-page-link-done.png")
    acked = incidents.get_incident(services, created.id, by=rita)
    assert acked.acknowledged_by == "Nora Janssens"

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text(
        "This link was already used (acknowledged by Nora Janssens"
    )
    expect(page.get_by_role("link", name="Sign in to open the incident")).to_be_visible()
    shot(page, artifacts / "62-page-link-used.png")
    gone = "error: Failed to load resource: the server responded with a status of 410 (Gone)"
    assert console_errors == [gone]  # the used link's page is served as 410, nothing else went wrong
