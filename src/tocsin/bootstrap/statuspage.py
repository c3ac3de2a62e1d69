"""The status page for the composition root: the settings' page and components plus the SMTP
mailer they ask for. Only ``bootstrap`` imports this module."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tocsin.adapters.channels.email import EmailChannel
from tocsin.adapters.statuspage_webhook import SignedWebhookPoster
from tocsin.bootstrap.paging import smtp_options
from tocsin.config import Settings
from tocsin.services.statuspage.export import SiteFactory
from tocsin.services.statuspage.ports import StatusPageConfig


def build_statuspage(settings: Settings, static_site: SiteFactory | None = None) -> StatusPageConfig:
    """``static_site`` opens ``statuspage.export_dir``: the renderer it needs lives in the web
    layer, out of this module's reach, so the entrypoint passes it in."""
    config = settings.statuspage.to_domain(settings.server.base_url)
    if settings.statuspage.export_dir is not None:
        config = replace(config, exports=True)
    if settings.statuspage.export_dir is not None and static_site is not None:
        config = replace(config, export=static_site(Path(settings.statuspage.export_dir)))
    hooks = settings.statuspage.webhooks
    if config.webhooks:
        secret = hooks.secret.get_secret_value() if hooks.secret else None
        config = replace(config, webhook_poster=SignedWebhookPoster(secret, timeout=hooks.timeout_seconds))
    smtp = settings.notifications.email
    if not smtp.enabled:
        return config
    mailer = EmailChannel(smtp_options(smtp))
    return replace(config, mailer=mailer)
