"""The contexts of the incident use cases: ``Services`` and the incident settings; and, for
the post-mortem and the compliance report, the few facts they read of features built on top of
incidents (paging, GitHub, the status page), as views those features' settings satisfy
structurally, so that incidents imports none of them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta, tzinfo
from typing import Protocol

from tocsin.domain.checklist import Checklist, Item
from tocsin.domain.diagnostics import Diagnostics
from tocsin.domain.notification import Directory
from tocsin.domain.severity import Severity
from tocsin.services.context import Services
from tocsin.services.incidents.runbook_ports import RunbookLibrary


class IncidentsContext(Services, Protocol):
    @property
    def report_timezone(self) -> tzinfo:
        """The time zone of the Incident Report's times (``reports.timezone``)."""
        ...

    @property
    def diagnostics(self) -> Diagnostics | None:
        """Loki/Grafana links over the incident window (``None``: no ``diagnostics.grafana_url``)."""
        ...

    @property
    def checklists(self) -> tuple[Checklist, ...]:
        """The phases' checklists (config ``checklists``, default: the plan's lines)."""
        ...

    @property
    def checklist_items(self) -> Mapping[str, Item]:
        """Every line of the checklists, by key (``3.2.1``)."""
        ...

    @property
    def deploy_window(self) -> timedelta:
        """How long before detection a production deploy is a suspect (``deploys.window``)."""
        ...

    @property
    def deploys_arrive(self) -> bool:
        """Whether a deploy can be recorded at all (a ``deploy`` source, or GitHub webhooks,
        configured): without, an opening does not look for deploys before it."""
        ...

    @property
    def runbooks(self) -> RunbookLibrary | None:
        """The runbook directory (``runbooks.dir``; ``None``: none configured)."""
        ...


class PagingView(Protocol):
    """What incidents read of the paging settings (``services.paging.ports.Paging``)."""

    @property
    def directory(self) -> Directory: ...

    @property
    def policies(self) -> Mapping[Severity, object]: ...

    @property
    def person_channels(self) -> tuple[str, ...]: ...

    def incident_url(self, incident_id: int) -> str: ...


class GitHubView(Protocol):
    """What incidents read of the GitHub settings (``services.github.ports.GitHub``)."""

    @property
    def open_for(self) -> frozenset[Severity]: ...


class StatusPageView(Protocol):
    """What incidents read of the status-page settings (``services.statuspage.ports.StatusPageConfig``)."""

    @property
    def enabled(self) -> bool: ...


class PostMortemContext(Services, Protocol):
    """The post-mortem: its owner among the people paged, its action items sent to GitHub."""

    @property
    def paging(self) -> PagingView: ...

    @property
    def github(self) -> GitHubView | None: ...


class ComplianceContext(PostMortemContext, Protocol):
    """The compliance report: what was expected of each incident (escalation, issue, status page)."""

    @property
    def statuspage(self) -> StatusPageView: ...
