"""Behind a reverse proxy: the client address (what rate limits key on) is the one the proxy
saw, but only when the request comes from a trusted proxy; anyone else cannot pick an address
by sending X-Forwarded-For."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError

from tests.live_server import running
from tocsin import bootstrap
from tocsin.cli.serve import uvicorn_options
from tocsin.config import Settings
from tocsin.config.loader import load_settings
from tocsin.web.app import create_app

SUBSCRIBE_LIMIT = 5  # per client and 10 minutes (web/statuspage/subscribe.py)


def _serve(settings: Settings, clock) -> Iterator[str]:
    container = bootstrap.build(settings, clock=clock)
    try:
        with running(create_app(container), **uvicorn_options(settings)) as url:
            yield url
    finally:
        container.close()


def _subscribe(base: str, forwarded_for: str, n: int) -> int:
    response = httpx.post(
        f"{base}/status/subscribe",
        data={"email": f"reader{n}@example.org"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


@pytest.fixture
def behind_proxy(db_url, clock) -> Iterator[str]:
    yield from _serve(Settings.model_validate({"database": {"url": db_url}}), clock)


@pytest.fixture
def proxy_elsewhere(db_url, clock) -> Iterator[str]:
    settings = Settings.model_validate(
        {"database": {"url": db_url}, "server": {"trusted_proxies": "10.9.8.7"}}
    )
    yield from _serve(settings, clock)


def test_a_trusted_proxy_passes_each_client_address_on(behind_proxy):
    statuses = [_subscribe(behind_proxy, "203.0.113.7", n) for n in range(SUBSCRIBE_LIMIT + 1)]
    assert statuses == [200] * SUBSCRIBE_LIMIT + [429]  # that one client is limited…
    assert _subscribe(behind_proxy, "203.0.113.8", 99) == 200  # …not the next one behind the proxy


def test_from_an_untrusted_peer_the_header_is_ignored(proxy_elsewhere):
    statuses = [_subscribe(proxy_elsewhere, f"203.0.113.{n}", n) for n in range(SUBSCRIBE_LIMIT + 1)]
    assert statuses[-1] == 429  # a made-up address per request does not escape the limit


def test_trusted_proxies_are_addresses_or_networks():
    settings = Settings.model_validate({"server": {"trusted_proxies": ["10.0.0.5", "10.1.0.0/16"]}})
    assert settings.server.trusted_proxies == ("10.0.0.5", "10.1.0.0/16")
    with pytest.raises(ValidationError, match=r"not an IP address or network: 'proxy\.lan'"):
        Settings.model_validate({"server": {"trusted_proxies": ["proxy.lan"]}})
    from_env = load_settings({"TOCSIN_SERVER__TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"})
    assert from_env.server.trusted_proxies == ("10.0.0.5", "10.1.0.0/16")
