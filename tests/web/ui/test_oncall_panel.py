"""The dashboard's "on call now" panel shows who the rotation pages at this moment."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tocsin.config import load_settings
from tocsin.domain.access import Role
from tocsin.services.paging import oncall
from tocsin.web.app import create_app

SRE = {"Sofia Lambert", "Théo Dubois", "Nora Janssens"}


@pytest.fixture
def settings(db_url):
    return load_settings({"TOCSIN_CONFIG": "examples/demo.yaml", "TOCSIN_DATABASE_URL": db_url})


@pytest.fixture
def client(container):
    with TestClient(create_app(container), base_url="http://127.0.0.1") as test_client:
        yield test_client


def panel(client) -> str:
    page = unescape(client.get("/").text)
    start = page.index("On call now")
    return page[start : start + 4000]


def on_call_sre(container) -> str:
    [entry] = [
        e
        for e in oncall.on_call_now(container.services.paging, container.clock.now())
        if e.kind == "schedule"
    ]
    [person] = entry.people
    return person.name


def test_the_panel_names_the_sre_on_call_now_and_follows_the_handoff(client, container, clock, as_role):
    as_role(Role.VIEWER)
    first = on_call_sre(container)
    shown = panel(client)
    assert first in shown
    assert not (SRE - {first}) & {name for name in SRE if name in shown}

    clock.advance(timedelta(days=7))
    as_role(Role.VIEWER)  # a week later the session has expired
    second = on_call_sre(container)
    assert second != first
    assert second in panel(client)
