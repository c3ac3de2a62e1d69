"""The context of the Slack use cases: ``Services`` and the Slack settings."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.paging.context import PagingContext
from tocsin.services.slack.ports import Slack
from tocsin.services.statuspage.context import StatusPageContext


class SlackContext(Services, Protocol):
    @property
    def slack(self) -> Slack | None:
        """Slack chat-ops (``None``: no bot token configured, Slack is off)."""
        ...


class SlackJobContext(SlackContext, IncidentsContext, Protocol):
    """The Slack jobs: the incident's card quotes its checklist and report."""


class SlackOpsContext(SlackContext, PagingContext, StatusPageContext, IncidentsContext, Protocol):
    """Slash commands and buttons: who is on call, the status page, the checklist."""
