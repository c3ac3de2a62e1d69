"""The incident room's "Who has been told" panel in a real browser: a P0 pages the Lead
Engineer and the CTO by their personal rules (push and e-mail at once, SMS and a call later);
the room shows, per person, each method's state and time. Screenshot in
``test-artifacts/wake-told-panel.png``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tests.paging_plan import Recorder, drain
from tocsin.domain.access import SYSTEM
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

pytestmark = pytest.mark.slow

PHONE = {"verified": True}
PEOPLE = {
    "camille": {
        "name": "Camille Martin",
        "email": "camille@example.org",
        "contact": {"sms": "+32470000001", "voice": "+32470000001", "push": "camille-pager", **PHONE},
    },
    "david": {
        "name": "David Peeters",
        "email": "david@example.org",
        "contact": {"sms": "+32470000002", "voice": "+32470000002", **PHONE},
    },
}
ROLES = {
    "lead_engineer": {"name": "Lead Engineer", "members": ["camille"]},
    "cto": {"name": "CTO", "members": ["david"]},
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    channels = {name: Recorder(name) for name in ("sms", "voice", "push", "email")}
    settings = {"people": PEOPLE, "roles": ROLES, "notifications": {"email": {"enabled": True}}}
    yield from serve(tmp_path, settings, channels=channels)


def test_the_room_shows_who_has_been_told_by_which_method(
    page: Page,
    server: LiveServer,
    artifacts,
    console_errors,  # noqa: F811
):
    svc = server.container.services
    created = incidents.declare_incident(svc, title="Payments down", severity=Severity.P0, by=SYSTEM)
    drain(server.container)
    sign_in(page, server.url, "responder@example.org")
    page.goto(f"{server.url}/incidents/{created.id}")
    panel = page.locator("#told")
    expect(panel.get_by_role("heading", name="Who has been told")).to_be_visible()
    camille = panel.locator("li.told-person", has_text="Camille Martin")
    expect(camille).to_contain_text("reached by")
    expect(camille.locator("li.told-sent")).to_have_count(2)  # push and e-mail, at once
    expect(camille.locator("li.told-pending")).to_have_count(2)  # SMS at 2 min, a call at 5
    david = panel.locator("li.told-person", has_text="David Peeters")
    expect(david.locator("li.told-sent")).to_have_count(1)  # e-mail; no push topic
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=artifacts / "wake-told-panel.png")
    shot(page, artifacts / "wake-told-room.png")
