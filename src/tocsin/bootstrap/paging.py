"""Paging for the composition root: the settings' directory and policies plus the channel
adapters they ask for. Only ``bootstrap`` imports this module."""

from __future__ import annotations

from dataclasses import replace

import httpx

from tocsin.adapters.channels.console import ConsoleChannel
from tocsin.adapters.channels.email import EmailChannel, SmtpOptions
from tocsin.adapters.channels.webhook import Endpoint, WebhookChannel
from tocsin.adapters.ntfy import NtfyOptions, PushChannel
from tocsin.adapters.twilio import SmsChannel, TwilioOptions, VoiceChannel
from tocsin.config import Settings
from tocsin.config.notifications import SmtpSettings
from tocsin.config.paging import paging
from tocsin.services.paging.ports import PageChannel, Paging
from tocsin.services.ports import Clock


def build_paging(settings: Settings, clock: Clock, *, transport: httpx.BaseTransport | None = None) -> Paging:
    config = settings.notifications
    channels: dict[str, PageChannel] = {}
    if config.console:
        channels["console"] = ConsoleChannel()
    if config.email.enabled:
        smtp = config.email
        channels["email"] = EmailChannel(smtp_options(smtp))
    if config.webhooks:
        endpoints = {
            name: Endpoint(
                url=hook.url,
                secret=hook.secret.get_secret_value() if hook.secret else None,
                timeout=hook.timeout_seconds,
            )
            for name, hook in config.webhooks.items()
        }
        channels["webhook"] = WebhookChannel(endpoints, now=clock.now, transport=transport)
    channels.update(phone_channels(settings, transport=transport))
    return replace(paging(settings), channels=channels)


def phone_channels(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> dict[str, PageChannel]:
    """``sms`` and ``voice`` when ``notifications.twilio`` is set, ``push`` when ``notifications.ntfy`` is."""
    config = settings.notifications
    channels: dict[str, PageChannel] = {}
    twilio = config.twilio
    if twilio.enabled and twilio.auth_token is not None:
        options = TwilioOptions(
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token.get_secret_value(),
            from_number=twilio.from_number,
            public_url=settings.server.base_url,
            base_url=twilio.base_url,
            timeout=twilio.timeout_seconds,
        )
        channels["sms"] = SmsChannel(options, transport=transport)
        channels["voice"] = VoiceChannel(options, transport=transport)
    if config.ntfy.enabled:
        ntfy = config.ntfy
        token = ntfy.token.get_secret_value() if ntfy.token else None
        push = NtfyOptions(server_url=ntfy.server_url, token=token, timeout=ntfy.timeout_seconds)
        channels["push"] = PushChannel(push, transport=transport)
    return channels


def smtp_options(smtp: SmtpSettings) -> SmtpOptions:
    """The SMTP server of ``notifications.email``, for every sender (pages, status page mail,
    the Art. 34 breach mail)."""
    return SmtpOptions(
        host=smtp.host,
        port=smtp.port,
        sender=smtp.sender,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password.get_secret_value() if smtp.password else None,
        timeout=smtp.timeout_seconds,
    )
