"""The ``slack:`` section: bot token, signing secret, announcement channel and rules.

Slack is off until ``bot_token`` is set (``TOCSIN_SLACK__BOT_TOKEN`` keeps it out of the
file). ``signing_secret`` is required for the request endpoints: without it they refuse
every request.
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from tocsin.config.sections import Section
from tocsin.config.severities import SeverityKey
from tocsin.domain.severity import Severity


class SlackSettings(Section):
    bot_token: SecretStr | None = Field(default=None, description="Bot token (xoxb-…), scope chat:write.")
    signing_secret: SecretStr | None = Field(
        default=None, description="Verifies requests from Slack (X-Slack-Signature v0)."
    )
    channel: str = Field(default="#incidents", min_length=1, description="Where incidents are announced.")
    announce: list[SeverityKey] = Field(
        default_factory=lambda: list(Severity), description="Severities announced in the channel."
    )
    api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL (tests point it at a fake)."
    )
    direct_messages: bool = Field(
        default=True, description="Paged people also get a direct message (needs people[].slack_user_id)."
    )
    incident_channels: list[SeverityKey] = Field(
        default_factory=lambda: [Severity.P0, Severity.P1],
        description="Severities whose incidents get their own channel inc-<id>-<slug> (scopes "
        "channels:manage); [] turns it off.",
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @property
    def enabled(self) -> bool:
        return self.bot_token is not None
