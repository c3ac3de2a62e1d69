"""Who gets notified: people, and the roles, teams and on-call schedules that group them.

A schedule's own rotation keys are read as its first layer; ``layers`` and ``overrides`` are
optional keys on top, so files written before they existed keep loading.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from tocsin.config.contacts import ContactSettings, QuietHoursSettings, RuleEntrySettings
from tocsin.config.fields import IdentifierList, TimeZone, error
from tocsin.config.oncall import LayerSettings, OverrideSettings, RotationSettings, schedule_to_domain
from tocsin.config.sections import Section
from tocsin.domain.oncall import Schedule

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PersonSettings(Section):
    name: str = Field(min_length=1)
    email: str
    slack_user_id: str | None = Field(default=None, description="Slack member id, e.g. U024BE7LH.")
    timezone: TimeZone = "UTC"
    contact: ContactSettings = Field(default_factory=ContactSettings)
    rules: list[RuleEntrySettings] | None = Field(
        default=None, description="Methods and delays; default: push+email at once, sms 2m, voice 5m."
    )
    quiet_hours: QuietHoursSettings | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise error("email", f"not an email address: {value!r}")
        return value


class RoleSettings(Section):
    name: str = Field(min_length=1)
    members: IdentifierList = Field(default_factory=list, description="Person ids.")


class TeamSettings(Section):
    name: str = Field(min_length=1)
    members: IdentifierList = Field(default_factory=list, description="Person ids.")


class ScheduleSettings(RotationSettings):
    """An on-call schedule: its own rotation keys are its first layer; ``layers`` stack more
    rotations on top and ``overrides`` beat them all (see ``tocsin.config.oncall``)."""

    name: str = Field(min_length=1)
    timezone: TimeZone = "UTC"
    layers: list[LayerSettings] = Field(default_factory=list)
    overrides: list[OverrideSettings] = Field(default_factory=list)

    @property
    def everyone(self) -> list[str]:
        """Every person who can be on call here: participants of every layer and overrides."""
        people = [*self.participants, *(p for layer in self.layers for p in layer.participants)]
        people += [o.person for o in self.overrides]
        return list(dict.fromkeys(people))

    def to_domain(self, ident: str) -> Schedule:
        return schedule_to_domain(
            ident,
            name=self.name,
            timezone=self.timezone,
            base=self,
            layers=self.layers,
            overrides=self.overrides,
        )
