"""A person's contact methods, notification rule and quiet hours, as written in ``tocsin.yaml``::

    people:
      nora:
        name: Nora Janssens
        email: nora@example.org
        timezone: Europe/Brussels
        contact:
          sms: "+32 470 12 34 56"     # E.164; spaces are fine
          voice: "+32470123456"
          push: nora-pager            # an ntfy topic
          verified: true              # the admin attests these reach Nora; otherwise a code does
        rules:                        # default: push and email at once, sms after 2m, voice after 5m
          - {channel: push, after: 0m}
          - {channel: sms, after: 1m}
          - {channel: voice, after: 3m}
        quiet_hours: {start: "22:00", end: "07:00"}   # P2/P3 pages wait for the end; P0/P1 do not

A method from the config is seeded into the database at start (source ``config``); unless
``verified: true`` it is only paged once its owner entered the code sent to it.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from tocsin.config.fields import ClockTime, Duration, error
from tocsin.config.sections import Section
from tocsin.domain import contacts
from tocsin.domain.errors import InvalidInput


class ContactSettings(Section):
    sms: str | None = Field(default=None, description="SMS number, E.164 (+32470123456).")
    voice: str | None = Field(default=None, description="Voice call number, E.164.")
    push: str | None = Field(default=None, description="ntfy topic for phone push.")
    verified: bool = Field(
        default=False, description="The admin attests these methods; otherwise a code verifies each."
    )

    @field_validator("sms", "voice", "push")
    @classmethod
    def _address(cls, value: str | None, info: object) -> str | None:
        if value is None:
            return None
        channel = getattr(info, "field_name", "")
        try:
            return contacts.check_address(channel, value)
        except InvalidInput as exc:
            raise error("contact", exc.detail) from None

    def methods(self) -> list[tuple[str, str]]:
        """``(channel, address)`` of every method written."""
        return [(c, a) for c in ("push", "sms", "voice") if (a := getattr(self, c)) is not None]


class RuleEntrySettings(Section):
    channel: str
    after: Duration = Field(default=timedelta(0), description="Delay after the page, e.g. 2m.")

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value not in contacts.CHANNELS:
            raise error("channel", f"unknown channel {value!r} (one of {', '.join(contacts.CHANNELS)})")
        return value

    @field_validator("after", mode="before")
    @classmethod
    def _not_negative(cls, value: object) -> object:
        negative = isinstance(value, int | float) and value < 0
        negative |= isinstance(value, str) and value.strip().startswith("-")
        negative |= isinstance(value, timedelta) and value < timedelta(0)
        if negative:
            raise error("delay", f"a negative delay: {value!r} (write 0m for at once, 2m for later)")
        return value

    def to_domain(self) -> contacts.RuleEntry:
        return contacts.RuleEntry(self.channel, self.after)


class QuietHoursSettings(Section):
    start: ClockTime
    end: ClockTime

    @field_validator("end")
    @classmethod
    def _not_empty(cls, value: object, info: object) -> object:
        data = getattr(info, "data", {})
        if data.get("start") == value:
            raise error("quiet_hours", "start and end are the same time: no quiet hours")
        return value
