"""Slack for the composition root (beside ``wiring``): the settings' channel and rules, the
people who have a Slack id, and the Web API client. ``None`` when no bot token is set. Only
``bootstrap`` imports this module."""

from __future__ import annotations

from dataclasses import replace

from tocsin.adapters.slack.client import SlackWebApi
from tocsin.adapters.slack.dm import SlackDmChannel
from tocsin.config import Settings
from tocsin.services.paging.ports import Paging
from tocsin.services.slack.ports import Slack, SlackApi, SlackMember


def _client(settings: Settings) -> SlackWebApi | None:
    config = settings.slack
    if config.bot_token is None:
        return None
    return SlackWebApi(
        config.bot_token.get_secret_value(), base_url=config.api_url, timeout=config.timeout_seconds
    )


def with_direct_messages(paging: Paging, settings: Settings) -> Paging:
    """Add the ``slack`` person channel (a DM to each paged person) when Slack is on."""
    client = _client(settings)
    if client is None or not settings.slack.direct_messages:
        return paging
    user_ids = {ident: p.slack_user_id for ident, p in settings.people.items() if p.slack_user_id}
    channels = {**paging.channels, "slack": SlackDmChannel(client.client, user_ids)}
    return replace(paging, channels=channels, person_channels=(*paging.person_channels, "slack"))


def build_slack(settings: Settings, *, api: SlackApi | None = None) -> Slack | None:
    config = settings.slack
    if config.bot_token is None:
        return None
    members = {
        person.slack_user_id: SlackMember(person_id=ident, name=person.name)
        for ident, person in settings.people.items()
        if person.slack_user_id
    }
    client = api or _client(settings)
    if client is None:
        return None
    return Slack(
        api=client,
        channel=config.channel,
        announce=frozenset(config.announce),
        members=members,
        base_url=settings.server.base_url.rstrip("/"),
        incident_channels=frozenset(config.incident_channels),
        security_channel=settings.security.slack_channel,
    )
