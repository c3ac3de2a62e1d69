"""The context of a drill: it runs an incident through every feature and checks each one."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.github.context import GitHubContext
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.paging.context import PagingContext
from tocsin.services.slack.context import SlackContext
from tocsin.services.statuspage.context import StatusPageContext


class DrillContext(SlackContext, GitHubContext, StatusPageContext, PagingContext, IncidentsContext, Protocol):
    pass
