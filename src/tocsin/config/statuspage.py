"""The ``statuspage`` section of ``tocsin.yaml``: the public page, its components and the
"> 1 h" customer email (the plan: "Email utilisateurs si prolongé (> 1h)")."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Literal

from pydantic import Field, HttpUrl, SecretStr, field_validator

from tocsin.config.fields import Identifier, error
from tocsin.config.sections import Section
from tocsin.domain.statuspage import Component
from tocsin.services.statuspage.ports import StatusPageConfig


class ComponentSettings(Section):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    group: str = Field(default="", max_length=100, description="Shown as a heading on the page.")
    public: bool = Field(default=True, description="False keeps the component off the public page.")


class CustomerEmailSettings(Section):
    mode: Literal["approve", "send"] = Field(
        default="approve",
        description="approve: the incident commander approves the prepared email; send: it goes out.",
    )
    affected_users: list[str] = Field(default_factory=list, description="Addresses that always get it.")
    language: Literal["en", "fr"] = "en"


class WebhookSubscribersSettings(Section):
    urls: list[HttpUrl] = Field(
        default_factory=list, description="Receivers POSTed a signed JSON body on every public update."
    )
    secret: SecretStr | None = Field(default=None, description="Signs X-Tocsin-Signature (HMAC-SHA256).")
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)


class StatusPageSettings(Section):
    enabled: bool | None = Field(
        default=None,
        description="Drafts, updates and the customer email. Default: on when components are configured.",
    )
    name: str = Field(default="Status", max_length=100)
    url: str = Field(default="", description="Public address of the page (empty: server.base_url/status/).")
    components: dict[Identifier, ComponentSettings] = Field(default_factory=dict)
    customer_email: CustomerEmailSettings = Field(default_factory=CustomerEmailSettings)
    webhooks: WebhookSubscribersSettings = Field(default_factory=WebhookSubscribersSettings)
    export_dir: str | None = Field(
        default=None,
        description="Absolute path of a directory the worker keeps the page in as static files "
        "(re-exported on every public change), for nginx or a CDN. Unset: off.",
    )

    @field_validator("export_dir", mode="before")
    @classmethod
    def _absolute(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and not PurePath(value).is_absolute():
            raise error("export_dir", f"must be an absolute path such as /var/www/status (got {value!r})")
        return value

    def to_domain(self, base_url: str) -> StatusPageConfig:
        return StatusPageConfig(
            enabled=bool(self.components) if self.enabled is None else self.enabled,
            name=self.name,
            url=self.url or f"{base_url.rstrip('/')}/status/",
            components=tuple(
                Component(key, c.name, c.description, c.group, c.public, position)
                for position, (key, c) in enumerate(self.components.items(), start=1)
            ),
            email_mode=self.customer_email.mode,
            affected_users=tuple(self.customer_email.affected_users),
            language=self.customer_email.language,
            webhooks=tuple(str(u) for u in self.webhooks.urls),
        )
