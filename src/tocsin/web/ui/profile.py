"""``/profile``: the signed-in user's own paging settings, as the directory person with their
e-mail — contact methods (add, send a verification code, verify, remove), the notification
rule (which method after how many minutes while a page is unacknowledged) and quiet hours.

Changing it takes the responder role, as every change in tocsin (viewers read: their page shows
their methods and rule without the forms). A refused form is shown again with 422 and the
problem named next to the form; nothing is written then. The contact methods' forms are
``profile_methods``; this module has the page and the rule's form."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from tocsin.domain import contacts as domain
from tocsin.domain.access import Role
from tocsin.domain.contacts import DEFAULT_RULE, PersonRule, QuietHours, RuleEntry
from tocsin.domain.errors import NotFound
from tocsin.domain.notification import Person
from tocsin.domain.user import WebSession
from tocsin.platform.i18n import gettext as _
from tocsin.services.paging import contacts, profile
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

Field = Annotated[str, Form(max_length=100)]
Minutes = Annotated[str, Form(max_length=10)]
Box = Annotated[str, Form(max_length=10)]

RULE_CHANNELS = ("push", "email", "sms", "voice", "slack")
ADDABLE = ("sms", "voice", "push")  # domain.ADDRESSED, the phone first
MAX_DELAY_MINUTES = 24 * 60
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def channel_label(channel: str) -> str:
    labels = {
        "push": _("Push (ntfy)"),
        "email": _("E-mail"),
        "sms": _("SMS"),
        "voice": _("Voice call"),
        "slack": _("Slack message"),
        "console": _("Console"),
    }
    return labels.get(channel, channel)


def person_of_session(request: Request, session: WebSession) -> Person:
    person = profile.person_of(services_of(request), session.user.email)
    if person is None:
        raise NotFound(f"{session.user.email} is not one of the plan's people: there is no profile to change")
    return person


def show(
    request: Request,
    session: WebSession,
    *,
    status: int = 200,
    error: tuple[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    """The page; ``error``: (which form, the problem), shown next to that form."""
    svc = services_of(request)
    person = profile.person_of(svc, session.user.email)
    context: dict[str, Any] = {
        "nav": "profile",
        "can_edit": session.user.role.allows(Role.RESPONDER),
        "person": person,
        "error_form": error[0] if error else "",
        "error": error[1] if error else "",
        "form": form or {},
        "channel_label": channel_label,
        "addable": ADDABLE,
        "max_attempts": contacts.MAX_ATTEMPTS,
        "code_minutes": int(contacts.CODE_TTL.total_seconds() // 60),
    }
    if person is not None:
        view = profile.profile(svc, person)
        verified = {m.channel for m in view.methods if m.verified}
        entries = {e.channel: e for e in view.rule.rule}
        defaults = {e.channel: e for e in DEFAULT_RULE}
        rows = []
        zero = RuleEntry(RULE_CHANNELS[0], timedelta(0))
        for channel in RULE_CHANNELS:
            if channel == "slack" and not person.slack_user_id:
                continue
            entry = entries.get(channel)
            rows.append(
                {
                    "channel": channel,
                    "on": entry is not None,
                    "minutes": int((entry or defaults.get(channel, zero)).after.total_seconds() // 60),
                    "missing": channel not in verified,
                    "unavailable": channel not in view.channels,
                }
            )
        context.update(view=view, rule_rows=rows, quiet=view.rule.quiet)
    return page(request, "ui/profile.html", session, status=status, **context)


@router.get("/profile")
def show_profile(request: Request, session: Session) -> Response:
    return show(request, session)


def _clock_time(value: str) -> time | None:
    match = _HHMM.match(value.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


class Refused(Exception):
    """A form value that cannot be used; ``problem`` says why, translated."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _rule_entries(given: dict[str, tuple[str, str]]) -> list[RuleEntry]:
    entries: list[RuleEntry] = []
    for channel, (on, after) in given.items():
        if not on:
            continue
        label = channel_label(channel)
        text = after.strip() or "0"
        if not re.fullmatch(r"-?\d+", text):
            raise Refused(
                _("%(channel)s: “%(value)s” is not a number of minutes.") % {"channel": label, "value": after}
            )
        minutes = int(text)
        if minutes < 0:
            raise Refused(_("%(channel)s: the delay cannot be negative.") % {"channel": label})
        if minutes > MAX_DELAY_MINUTES:
            raise Refused(
                _("%(channel)s: at most %(max)s minutes (24 h).")
                % {"channel": label, "max": MAX_DELAY_MINUTES}
            )
        entries.append(RuleEntry(channel, timedelta(minutes=minutes)))
    if not entries:
        raise Refused(_("Choose at least one method, or pages never reach you."))
    return entries


def _quiet_hours(on: str, start_text: str, end_text: str, timezone: str) -> QuietHours | None:
    if not on:
        return None
    start, end = _clock_time(start_text), _clock_time(end_text)
    if start is None:
        raise Refused(_("Quiet hours: “%(value)s” is not a time (HH:MM).") % {"value": start_text})
    if end is None:
        raise Refused(_("Quiet hours: “%(value)s” is not a time (HH:MM).") % {"value": end_text})
    if start == end:
        raise Refused(_("Quiet hours: the start and the end are the same time."))
    return QuietHours(start, end, timezone)


@router.post("/profile/rules")
def save_rules(
    request: Request,
    session: FormSession,
    *,
    use_push: Box = "",
    after_push: Minutes = "",
    use_email: Box = "",
    after_email: Minutes = "",
    use_sms: Box = "",
    after_sms: Minutes = "",
    use_voice: Box = "",
    after_voice: Minutes = "",
    use_slack: Box = "",
    after_slack: Minutes = "",
    quiet: Box = "",
    quiet_start: Annotated[str, Form(max_length=10)] = "",
    quiet_end: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    person = person_of_session(request, session)
    given = {
        "push": (use_push, after_push),
        "email": (use_email, after_email),
        "sms": (use_sms, after_sms),
        "voice": (use_voice, after_voice),
        "slack": (use_slack, after_slack),
    }
    form: dict[str, Any] = {
        "rules": {c: {"on": bool(on), "minutes": after} for c, (on, after) in given.items()},
        "quiet": bool(quiet),
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
    }

    try:
        entries = _rule_entries(given)
        hours = _quiet_hours(quiet, quiet_start, quiet_end, person.timezone)
    except Refused as exc:
        return show(request, session, status=422, error=("rules", exc.problem), form=form)
    entries.sort(key=lambda e: (e.after, domain.CHANNELS.index(e.channel)))
    contacts.save_rule(services_of(request), person.id, PersonRule(tuple(entries), hours))
    return redirect("/profile", _("Notification rules saved."))
