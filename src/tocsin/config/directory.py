"""Who gets notified: people, and the roles, teams and on-call schedules that group them.

A schedule is one rotation today. Layers and overrides come later: they will be new optional
keys (``layers``, ``overrides``), with today's keys read as a single layer, so files written
now keep loading.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal

from pydantic import Field, field_validator

from tocsin.config.fields import ClockTime, IdentifierList, TimeZone, error
from tocsin.config.sections import Section

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class PersonSettings(Section):
    name: str = Field(min_length=1)
    email: str
    slack_user_id: str | None = Field(default=None, description="Slack member id, e.g. U024BE7LH.")
    timezone: TimeZone = "UTC"

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


class ScheduleSettings(Section):
    """An on-call rotation: participants take turns, handing off at ``handoff`` local time."""

    name: str = Field(min_length=1)
    timezone: TimeZone = "UTC"
    rotation: Literal["daily", "weekly"] = "weekly"
    handoff_day: Weekday = Field(default="monday", description="Weekly rotations only.")
    handoff: ClockTime = time(9, 0)
    participants: IdentifierList = Field(
        default_factory=list, description="Person ids, in the order they take turns."
    )

    @field_validator("rotation", "handoff_day", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value
