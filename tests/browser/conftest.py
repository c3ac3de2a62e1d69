"""Browser tests: Playwright drives Debian's Chromium (never ``playwright install``) against
tocsin served by uvicorn in a thread on a free 127.0.0.1 port.

Without /usr/bin/chromium these tests skip with the reason, except under ``CI=true``, where they
fail: CI must run them (``make test`` installs Chromium when it runs as root with apt).
Screenshots go to ``test-artifacts/`` (gitignored)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import free_port, running
from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.adapters.passwords import Argon2Passwords
from tocsin.config import Settings
from tocsin.config.isolation import ENVIRON
from tocsin.domain.access import SYSTEM, Role
from tocsin.services.access.users import create_user
from tocsin.services.paging.ports import Channel
from tocsin.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (make test does, as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}, "locale": "en-GB"}


@dataclass(frozen=True)
class LiveServer:
    url: str
    container: bootstrap.Container


def serve(
    tmp_path: Path,
    extra: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    channels: Mapping[str, Channel] | None = None,
) -> Iterator[LiveServer]:
    """tocsin on SQLite in ``tmp_path`` with a responder and a viewer account; ``extra``
    settings (sources, diagnostics, runbooks…) merged over the defaults; ``environ``: the
    variables ``${NAME}`` in the settings read; ``channels``: stand-ins added to the paging
    channels (a recording SMS channel…)."""
    db = f"sqlite:///{tmp_path / 'tocsin.db'}"
    migrate.upgrade(db)
    port = free_port()
    base = {"database": {"url": db}, "server": {"port": port, "base_url": f"http://127.0.0.1:{port}"}}
    settings = Settings.model_validate({**base, **(extra or {})}, context={ENVIRON: environ or {}})
    container = replace(bootstrap.build(settings), passwords=Argon2Passwords(time_cost=1, memory_cost=1024))
    if channels:
        paging = replace(
            container.services.paging, channels={**container.services.paging.channels, **channels}
        )
        container = replace(container, services=replace(container.services, paging=paging))
    for role in (Role.RESPONDER, Role.VIEWER):
        create_user(
            container.services,
            container.passwords,
            email=f"{role.value}@example.org",
            role=role,
            password=PASSWORD,
            name=f"{role.value.capitalize()} Example",
            by=SYSTEM,
        )
    try:
        with running(create_app(container), port) as url:
            yield LiveServer(url, container)
    finally:
        container.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from serve(tmp_path)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
