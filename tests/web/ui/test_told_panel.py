"""The incident room's "Who has been told" panel: each paged person, the methods that reached
them, and where every page stands; in French too."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.paging_plan import drain, plan
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.web.app import create_app


@pytest.fixture
def settings(db_url):
    config = plan(db_url, console=True)
    config["people"]["david"]["rules"] = [{"channel": "console", "after": "5m"}]
    return Settings.model_validate(config)


@pytest.fixture
def client(container):
    with TestClient(create_app(container), base_url="http://127.0.0.1") as test_client:
        yield test_client


def panel(client, incident_id, **headers) -> str:
    page = unescape(client.get(f"/incidents/{incident_id}", headers=headers).text)
    start = page.index('id="told"')
    return page[start : page.index("</section>", start)]


def test_the_panel_shows_who_was_reached_and_who_not_yet(client, container, clock, as_role, responder):
    created = incidents.declare_incident(
        container.services, title="Payments down", severity=Severity.P0, by=responder
    )
    drain(container)
    as_role(Role.VIEWER)
    shown = panel(client, created.id)
    assert "Who has been told" in shown
    camille = shown[shown.index("Camille Martin") : shown.index("David Peeters")]
    assert "reached by console" in camille
    assert "David Peeters</b> —" in shown
    assert "not reached yet" in shown[shown.index("David Peeters") :]
    clock.advance(timedelta(minutes=5))
    drain(container)
    assert "not reached yet" not in panel(client, created.id)


def test_the_panel_speaks_french(client, container, as_role, responder):
    created = incidents.declare_incident(
        container.services, title="Paiements", severity=Severity.P0, by=responder
    )
    as_role(Role.VIEWER)
    shown = panel(client, created.id, **{"Accept-Language": "fr"})
    assert "Qui a été prévenu" in shown
    assert "pas encore joint" in shown
    assert "en attente" in shown
