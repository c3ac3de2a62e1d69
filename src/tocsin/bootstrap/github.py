"""GitHub for the composition root: the settings' repository behind the REST adapter. Only
``bootstrap`` (and tests) import this module."""

from __future__ import annotations

import httpx

from tocsin.adapters.github.api import GitHubApi
from tocsin.config import Settings
from tocsin.domain.severity import Severity
from tocsin.services.github.ports import GitHub


def build_github(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> GitHub | None:
    config = settings.github
    if not config.enabled or config.token is None:
        return None

    token = config.token.get_secret_value()

    def api_for(repository: str) -> GitHubApi:
        return GitHubApi(
            base_url=config.api_url,
            token=token,
            repository=repository,
            transport=transport,
            timeout=config.timeout_seconds,
            max_wait=config.max_rate_limit_wait_seconds,
        )

    restricted = settings.security.github_repository
    return GitHub(
        tracker=api_for(config.repository),
        restricted_tracker=api_for(restricted) if restricted else None,
        open_for=frozenset(Severity(s) for s in config.open_for),
        title_template=config.title,
        extra_labels=tuple(config.extra_labels),
        batch_seconds=config.comment_batch_seconds,
        import_comments=config.import_comments,
        base_url=settings.server.base_url.rstrip("/"),
    )
