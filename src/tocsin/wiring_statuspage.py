"""The status page for the composition root: the settings' page and components plus the SMTP
mailer they ask for. Only ``bootstrap`` imports this module."""

from __future__ import annotations

from dataclasses import replace

from tocsin.adapters.channels.email import SmtpOptions
from tocsin.adapters.statuspage_mail import SmtpMailer
from tocsin.adapters.statuspage_webhook import SignedWebhookPoster
from tocsin.config import Settings
from tocsin.services.statuspage_ports import StatusPageConfig


def build_statuspage(settings: Settings) -> StatusPageConfig:
    config = settings.statuspage.to_domain(settings.server.base_url)
    hooks = settings.statuspage.webhooks
    if config.webhooks:
        secret = hooks.secret.get_secret_value() if hooks.secret else None
        config = replace(config, webhook_poster=SignedWebhookPoster(secret, timeout=hooks.timeout_seconds))
    smtp = settings.notifications.email
    if not smtp.enabled:
        return config
    mailer = SmtpMailer(
        SmtpOptions(
            host=smtp.host,
            port=smtp.port,
            sender=smtp.sender,
            security=smtp.security,
            username=smtp.username,
            password=smtp.password.get_secret_value() if smtp.password else None,
            timeout=smtp.timeout_seconds,
        ),
        sender_name=config.name,
    )
    return replace(config, mailer=mailer)
