"""The operational sections of ``tocsin.yaml``: server, database, worker, logging, gdpr."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from tocsin.config.defaults import GDPR_AUTHORITIES
from tocsin.config.fields import Duration, Identifier, TimeZone, error
from tocsin.domain.diagnostics import Diagnostics


class Section(BaseModel):
    """Every section refuses unknown keys (typos fail loudly) and is immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    base_url: str = Field(
        default="http://127.0.0.1:8080",
        description="The address people open; links in Slack messages and emails start with it. "
        "Derived from host and port when not set.",
    )
    embedded_worker: bool = Field(
        default=True, description="Run the job worker in the web process (one-node deployments)."
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=("127.0.0.1",),
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed: the client address of a request (rate limits) is then "
        "the one the proxy saw. A proxy on another host must be listed here.",
    )
    language: Literal["en", "fr"] = Field(
        default="en",
        description="The language of e-mails, Slack texts, the CLI and the public status page, and "
        "of the web UI for whoever has chosen none and whose browser asks for neither (en, fr).",
    )
    engine: Literal["uvicorn", "granian"] = Field(
        default="uvicorn",
        description="The HTTP server that runs the app: uvicorn, or granian (Rust; see the "
        "README's figures). Both honour trusted_proxies.",
    )

    @model_validator(mode="before")
    @classmethod
    def _derive_base_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("base_url") in (None, ""):
            host = str(data.get("host", "127.0.0.1"))
            shown = f"[{host}]" if ":" in host else host
            data = {**data, "base_url": f"http://{shown}:{data.get('port', 8080)}"}
        return data

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        for item in items if isinstance(items, list | tuple) else ():
            try:
                ipaddress.ip_network(str(item), strict=False)
            except ValueError:
                raise error(
                    "network", f"not an IP address or network: {item!r} (write e.g. 10.0.0.5 or 10.0.0.0/24)"
                ) from None
        return items

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise error("url", f"not an http(s) URL: {value!r} (write e.g. https://tocsin.example.org)")
        return value.rstrip("/")


class DatabaseSettings(Section):
    url: str = Field(
        default="sqlite:///./var/tocsin.db",
        min_length=1,
        description="SQLAlchemy URL; relative SQLite paths are relative to the working directory.",
    )
    echo: bool = False


class WorkerSettings(Section):
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    lease_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a claimed job stays with its worker without a heartbeat: the jobs "
        "of a worker that died come back after at most this long.",
    )
    heartbeat_seconds: float | None = Field(
        default=None,
        gt=0,
        description="How often a working worker renews its leases; lease_seconds / 3 when not set.",
    )
    batch_size: int = Field(default=10, ge=1)
    max_attempts: int = Field(default=8, ge=1)
    delivery_retry_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="Outbound deliveries (pages, Slack, GitHub, status mails and webhooks) are "
        "retried with backoff for at least this long, past max_attempts, before they are "
        "dead-lettered: an outage of the mail server, Slack or GitHub shorter than this loses nothing.",
    )
    concurrency: int = Field(
        default=8,
        ge=1,
        le=256,
        description="Jobs a worker runs at once: deliveries to different recipients are sent in "
        "parallel; the jobs of one incident's Slack card or GitHub issue, and all timers, one at a time.",
    )
    wake_on_enqueue: bool = Field(
        default=True,
        description="Claim a job as soon as a transaction that enqueued it commits (in the process, "
        "and from other processes by LISTEN/NOTIFY on PostgreSQL) instead of at the next poll.",
    )

    @model_validator(mode="after")
    def _heartbeat_within_the_lease(self) -> WorkerSettings:
        if self.heartbeat_seconds is not None and self.heartbeat_seconds >= self.lease_seconds:
            raise error(
                "heartbeat",
                f"heartbeat_seconds ({self.heartbeat_seconds:g} s) must be shorter than "
                f"lease_seconds ({self.lease_seconds:g} s): leases would expire between heartbeats",
            )
        return self

    @property
    def heartbeat(self) -> float:
        return self.heartbeat_seconds if self.heartbeat_seconds is not None else self.lease_seconds / 3


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    format: Literal["json", "console"] = "json"

    @field_validator("level", "format", mode="before")
    @classmethod
    def _any_case(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "level" else value.lower()


class GdprSettings(Section):
    """The supervisory authority a personal-data breach is notified to (GDPR Art. 33)."""

    authority: str = Field(default="CNIL", min_length=1)
    authority_name: str = Field(
        default=GDPR_AUTHORITIES["CNIL"],
        description="Filled in for the authorities tocsin knows (CNIL, APD, …) when not set.",
    )
    notification_deadline: Duration = timedelta(hours=72)
    dpo: Identifier | None = Field(
        default=None,
        description="The data protection officer: a person id from people (named in the Art. 33 "
        "dossier and the Art. 34 message, reminded of the 72 h clock).",
    )

    @model_validator(mode="before")
    @classmethod
    def _name_the_authority(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("authority_name") in (None, ""):
            authority = str(data.get("authority", "CNIL"))
            data = {**data, "authority_name": GDPR_AUTHORITIES.get(authority.upper(), authority)}
        return data


class ReportsSettings(Section):
    """The Incident Report (the plan's template) and the post-mortem."""

    timezone: TimeZone = Field(
        default="UTC",
        description="The time zone of the report's HH:MM times (the plan's template shows UTC).",
    )


class DiagnosticsSettings(Section):
    """Loki and Grafana links for the incident window (the plan's "Diagnostiquer")."""

    grafana_url: str = Field(default="", description="Grafana's address; empty: no Loki/Grafana links.")
    loki_datasource_uid: str = Field(default="loki", min_length=1, max_length=100)
    explore_format: Literal["panes", "left"] = Field(
        default="panes", description="panes: Grafana 10 and later; left: older Grafana."
    )
    org_id: int = Field(default=1, ge=1)
    window_before: Duration = Field(
        default=timedelta(minutes=15), description="How long before the first alert the window starts."
    )
    logql: str = Field(
        default='{job="{{ job }}", instance="{{ instance }}"}',
        description="LogQL selector template; {{ label }} takes the alert's label, a matcher whose "
        "label is missing is left out.",
    )
    logql_by_source: dict[str, str] = Field(default_factory=dict, description="source name -> template")
    logql_by_component: dict[str, str] = Field(default_factory=dict, description="component -> template")
    dashboards: dict[str, str] = Field(
        default_factory=dict, description="component -> dashboard path (d/uid/slug) or absolute URL"
    )

    @field_validator("grafana_url")
    @classmethod
    def _http(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise error("url", f"grafana_url must start with http:// or https:// (got {value[:60]!r})")
        return value

    def to_domain(self) -> Diagnostics | None:
        if not self.grafana_url:
            return None
        return Diagnostics(
            grafana_url=self.grafana_url,
            loki_uid=self.loki_datasource_uid,
            explore_format=self.explore_format,
            org_id=self.org_id,
            before=self.window_before,
            logql=self.logql,
            logql_by_source=dict(self.logql_by_source),
            logql_by_component=dict(self.logql_by_component),
            dashboards=dict(self.dashboards),
        )


class RunbooksSettings(Section):
    """Markdown runbooks with front matter (title, alertname, component, service)."""

    dir: str | None = Field(
        default=None,
        description="Directory of *.md runbooks (absolute, or relative to where tocsin starts). Unset: none.",
    )


class DeploysSettings(Section):
    """Deploy correlation: a production deploy this long before detection is a suspect."""

    window: Duration = Field(default=timedelta(minutes=60), description="Look-back before detection.")
