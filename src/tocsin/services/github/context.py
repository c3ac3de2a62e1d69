"""The context of the GitHub use cases: ``Services`` and the GitHub settings."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.github.ports import GitHub
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.paging.context import PagingContext


class GitHubContext(Services, Protocol):
    @property
    def github(self) -> GitHub | None:
        """GitHub issues as incident tickets (``None``: no repository configured, GitHub is off)."""
        ...


class GitHubIssueContext(GitHubContext, IncidentsContext, Protocol):
    """The incident's issue: its body quotes the report (time zone, runbooks, deploys)."""


class GitHubActionsContext(GitHubContext, PagingContext, Protocol):
    """The post-mortem's action items as issues, linked back to the incident page."""
