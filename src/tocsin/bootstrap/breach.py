"""The GDPR breach workflow for the composition root: the ``gdpr`` and ``security.breach``
settings, the DPO from the directory, and the SMTP mailer of the Art. 34 communication. Only
``bootstrap`` imports this module."""

from __future__ import annotations

from tocsin.adapters.channels.email import EmailChannel
from tocsin.bootstrap.paging import smtp_options
from tocsin.config import Settings
from tocsin.config.paging import directory
from tocsin.services.security.breach_ports import BreachConfig


def build_breach(settings: Settings) -> BreachConfig:
    gdpr, breach = settings.gdpr, settings.security.breach
    people = directory(settings).people
    smtp = settings.notifications.email
    mailer = None
    if smtp.enabled:
        mailer = EmailChannel(smtp_options(smtp))
    return BreachConfig(
        authority_name=gdpr.authority_name,
        dpo=people.get(gdpr.dpo) if gdpr.dpo else None,
        controller=breach.controller,
        reminders=tuple(breach.reminders),
        batch_size=breach.batch_size,
        mailer=mailer,
    )
