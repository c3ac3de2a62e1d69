"""``security.breach``: the GDPR personal-data breach workflow (Art. 33/34). The authority, its
deadline and the DPO are the ``gdpr`` section; this is the rest::

    security:
      breach:
        controller: Koprogo SRL            # the data controller, named in the dossier and the Art. 34 mail
        reminders: [24h, 48h, 60h, 68h]    # after aware_at, to roles.security and gdpr.dpo
        batch_size: 50                     # Art. 34 mails per durable job

Reminders go to the members of ``roles.security`` and to ``gdpr.dpo``; when the deadline passes
without a notification, ``roles.cto`` is told as well.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from tocsin.config.fields import Duration, error
from tocsin.config.sections import Section
from tocsin.domain.breach import DEFAULT_REMINDERS


class BreachSettings(Section):
    controller: str = Field(
        default="",
        max_length=200,
        description="The data controller's name (your organisation), in the Art. 33 dossier and the "
        "Art. 34 message.",
    )
    reminders: list[Duration] = Field(
        default_factory=lambda: list(DEFAULT_REMINDERS),
        max_length=20,
        description="When, after aware_at, the security role and the DPO are reminded of the clock.",
    )
    batch_size: int = Field(default=50, ge=1, le=1000, description="Art. 34 mails sent per durable job.")

    @field_validator("reminders")
    @classmethod
    def _positive(cls, value: list[timedelta]) -> list[timedelta]:
        for offset in value:
            if offset <= timedelta(0):
                raise error("duration", f"a reminder must come after aware_at (got {offset})")
        return sorted(set(value))
