"""A plan with public and internal status page components."""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.config import Settings

COMPONENTS: dict[str, Any] = {
    "login": {"name": "Login", "group": "Application", "description": "Signing in"},
    "api": {"name": "API", "group": "Application"},
    "payments": {"name": "Payments"},
    "db_primary": {"name": "db-primary.internal", "public": False},
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "statuspage": {
                "name": "KoproGo Status",
                "url": "https://status.koprogo.com/",
                "components": COMPONENTS,
            },
        }
    )
