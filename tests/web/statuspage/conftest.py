"""A plan with public and internal status page components."""

from __future__ import annotations

from typing import Any

import pytest

from tests.smtp_sink import smtp_settings
from tocsin.config import Settings

COMPONENTS: dict[str, Any] = {
    "login": {"name": "Login", "group": "Application", "description": "Signing in"},
    "api": {"name": "API", "group": "Application"},
    "payments": {"name": "Payments"},
    "db_primary": {"name": "db-primary.internal", "public": False},
}


@pytest.fixture
def settings(db_url: str, request: pytest.FixtureRequest) -> Settings:
    """The page of these tests; mailing through the SMTP ``sink`` when the test uses it."""
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "statuspage": {
            "name": "KoproGo Status",
            "url": "https://status.koprogo.com/",
            "components": COMPONENTS,
        },
    }
    if "sink" in request.fixturenames:
        data["notifications"] = {"email": smtp_settings(request.getfixturevalue("sink"))}
    return Settings.model_validate(data)
