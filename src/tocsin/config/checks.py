"""Warnings about settings that are valid but probably not what was meant.

``tocsin config check`` prints them; ``tocsin serve`` logs them. None of them stops tocsin.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from tocsin.config.defaults import GDPR_AUTHORITIES
from tocsin.config.schema import Settings
from tocsin.domain.severity import Severity

_GDPR_MAXIMUM = timedelta(hours=72)
_UNROUTABLE_HOSTS = ("0.0.0.0", "[::]")  # noqa: S104 - compared against, never bound


def check(settings: Settings) -> list[str]:
    """Every likely mistake in ``settings``, one sentence each, in a stable order."""
    return [
        *_unstaffed_targets(settings),
        *_response_time_order(settings),
        *_gdpr(settings),
        *_base_url(settings),
        *_phone_callbacks(settings),
    ]


def _unstaffed_targets(settings: Settings) -> list[str]:
    warnings = []
    by_target: dict[str, list[str]] = {}
    for severity, level in settings.severities.items():
        if not level.escalate_to:
            warnings.append(f"severities.{severity}.escalate_to is empty: nobody is notified of {severity}")
        for target in level.escalate_to:
            by_target.setdefault(target, []).append(severity.value)
    for target, severities in by_target.items():
        if not settings.members_of(target):
            warnings.append(
                f"{target} has nobody in it: {'/'.join(severities)} incidents escalated to it reach no one"
            )
    return warnings


def _response_time_order(settings: Settings) -> list[str]:
    warnings = []
    for more, less in itertools.pairwise(Severity):
        if settings.severities[more].response_time > settings.severities[less].response_time:
            warnings.append(
                f"severities.{more}.response_time is longer than severities.{less}.response_time: "
                f"the more severe level would be answered later"
            )
    return warnings


def _gdpr(settings: Settings) -> list[str]:
    gdpr = settings.gdpr
    warnings = []
    if gdpr.notification_deadline > _GDPR_MAXIMUM:
        warnings.append(
            "gdpr.notification_deadline is over 72h: GDPR Art. 33 requires notification within 72 hours"
        )
    if gdpr.authority.upper() not in GDPR_AUTHORITIES and gdpr.authority_name == gdpr.authority:
        warnings.append(
            f"gdpr.authority {gdpr.authority!r} is not one tocsin knows: "
            "set gdpr.authority_name to its full name"
        )
    return warnings


def _base_url(settings: Settings) -> list[str]:
    url = settings.server.base_url
    if any(f"//{host}" in url for host in _UNROUTABLE_HOSTS):
        return [
            f"server.base_url is {url}: links in notifications will not open; "
            "set server.base_url to the address people use"
        ]
    return []


_LOOPBACK = ("//127.", "//localhost", "//[::1]")


def _phone_callbacks(settings: Settings) -> list[str]:
    """Twilio calls tocsin back (delivery status, SMS replies, the call's keypad): not at a
    loopback address."""
    url = settings.server.base_url
    if settings.notifications.twilio.enabled and any(host in url for host in _LOOPBACK):
        return [
            f"notifications.twilio is set but server.base_url is {url}: Twilio cannot reach "
            "/hooks/twilio/… there (delivery status, SMS replies, the call's keypad)"
        ]
    return []
