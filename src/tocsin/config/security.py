"""The ``security`` section: where a restricted (security) incident's details may go.

Each part of the security procedure adds its own sub-section here (``evidence``,
``isolation``); the GDPR breach clock is the ``gdpr`` section."""

from __future__ import annotations

from pydantic import Field

from tocsin.config.evidence import EvidenceSettings
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
    evidence: EvidenceSettings = Field(
        default_factory=EvidenceSettings,
        description="The forensics evidence locker: files, references, custody log, Loki logs.",
    )
