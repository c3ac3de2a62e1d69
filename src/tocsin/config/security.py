"""The ``security`` section: where a restricted (security) incident's details may go.

Each part of the security procedure adds its own sub-section here (``evidence``,
``isolation``); the GDPR breach clock is the ``gdpr`` section."""

from __future__ import annotations

from pydantic import Field

from tocsin.config.breach import BreachSettings
from tocsin.config.evidence import EvidenceSettings
from tocsin.config.isolation import IsolationSettings
from tocsin.config.sections import Section


class SecuritySettings(Section):
    slack_channel: str = Field(
        default="",
        description="A private Slack channel (id, e.g. G0123ABCD or C0123ABCD) that receives security "
        "incidents' details. Empty: Slack hears only 'Restricted incident #N (P0)'.",
    )
    github_repository: str = Field(
        default="",
        description="A private repository (owner/name) for security incidents' issues. Empty: the "
        "incident's issue carries no details.",
    )
    isolation: IsolationSettings = Field(
        default_factory=IsolationSettings,
        description="Outbound isolation actions (WAF rule, feature flag, firewall API), each with its undo.",
    )
    breach: BreachSettings = Field(
        default_factory=BreachSettings,
        description="The GDPR personal-data breach workflow: controller name, reminders, Art. 34 batches.",
    )
    evidence: EvidenceSettings = Field(
        default_factory=EvidenceSettings,
        description="The forensics evidence locker: files, references, custody log, Loki logs.",
    )
