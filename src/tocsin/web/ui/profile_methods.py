"""``/profile/methods``: the signed-in user's contact methods — add one (its address checked
and, if refused, said why in words), send it a verification code, verify it, remove it. The page
itself and the notification rule: ``profile``."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from tocsin.domain import contacts as domain
from tocsin.domain.errors import InvalidInput
from tocsin.platform.i18n import gettext as _
from tocsin.platform.i18n import ngettext
from tocsin.services.paging import contacts, profile
from tocsin.services.paging.profile import CodeCheck
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.profile import Field, channel_label, person_of_session, show
from tocsin.web.ui.render import redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)


def _phone_problem(raw: str) -> str:
    """Why ``raw`` is not an E.164 number, in words."""
    compact = re.sub(r"[\s.()\-]", "", raw)
    example = "+32470123456"
    if not compact:
        return _("Enter a phone number, e.g. %(example)s.") % {"example": example}
    if not compact.startswith("+"):
        return _(
            "“%(number)s” does not start with + and the country code (E.164 form), e.g. %(example)s."
        ) % {"number": raw, "example": example}
    if not compact[1:].isdigit():
        return _("“%(number)s” has characters other than digits after the +.") % {"number": raw}
    if compact[1] == "0":
        return _("“%(number)s”: a country code never starts with 0.") % {"number": raw}
    digits = len(compact) - 1
    if digits < 7:
        return _("“%(number)s” is too short: an E.164 number has 7 to 15 digits.") % {"number": raw}
    return _("“%(number)s” is too long: an E.164 number has at most 15 digits.") % {"number": raw}


def _address_problem(channel: str, address: str) -> str | None:
    try:
        domain.check_address(channel, address)
    except InvalidInput:
        if channel in domain.PHONE_CHANNELS:
            return _phone_problem(address)
        if not address.strip():
            return _("Enter an ntfy topic, e.g. nora-pager.")
        return _("“%(topic)s” is not an ntfy topic: use letters, digits, _ and - only (at most 64).") % {
            "topic": address
        }
    return None


@router.post("/profile/methods")
def add_method(request: Request, session: FormSession, channel: Field = "", address: Field = "") -> Response:
    person = person_of_session(request, session)
    form = {"channel": channel, "address": address}
    if channel not in domain.ADDRESSED:
        problem = _("Choose SMS, voice call or push: “%(channel)s” cannot be added here.") % {
            "channel": channel
        }
        return show(request, session, status=422, error=("add", problem), form=form)
    bad = _address_problem(channel, address)
    if bad is not None:
        return show(request, session, status=422, error=("add", bad), form=form)
    svc = services_of(request)
    normalised = domain.check_address(channel, address)
    try:
        profile.add(svc, person, channel, normalised)
    except InvalidInput:
        problem = _("You already have this method: %(channel)s %(address)s.") % {
            "channel": channel_label(channel),
            "address": normalised,
        }
        return show(request, session, status=422, error=("add", problem), form=form)
    done = _(
        "%(channel)s %(address)s added. Send it a code and enter the code to verify it: until then "
        "pages do not use it."
    ) % {"channel": channel_label(channel), "address": normalised}
    return redirect("/profile", done)


def _method_key(channel: str, address: str) -> str:
    return f"{channel}:{address}"


@router.post("/profile/methods/send-code")
def send_code(request: Request, session: FormSession, channel: Field = "", address: Field = "") -> Response:
    person = person_of_session(request, session)
    svc = services_of(request)
    method = profile.method_of(svc, person, channel, address)
    key = _method_key(channel, address)
    if method.verified:
        return redirect("/profile", _("%(address)s is already verified.") % {"address": address})
    if channel not in svc.paging.channels:
        problem = _("%(channel)s is not set up on this tocsin, so no code can be sent: ask an admin.") % {
            "channel": channel_label(channel)
        }
        return show(request, session, status=422, error=(key, problem))
    try:
        profile.send_code(svc, person, channel, address)
    except profile.CodeTooSoon as exc:
        problem = _(
            "A code was sent less than a minute ago: wait %(seconds)s seconds before asking for another."
        ) % {"seconds": exc.wait_seconds}
        return show(request, session, status=429, error=(key, problem))
    except InvalidInput as exc:
        problem = _("The code could not be sent: %(reason)s. Retry in a moment.") % {"reason": exc.detail}
        return show(request, session, status=422, error=(key, problem))
    minutes = int(contacts.CODE_TTL.total_seconds() // 60)
    done = _("A code was sent by %(channel)s to %(address)s; enter it within %(minutes)s minutes.") % {
        "channel": channel_label(channel),
        "address": address,
        "minutes": minutes,
    }
    return redirect("/profile", done)


@router.post("/profile/methods/verify")
def verify(
    request: Request,
    session: FormSession,
    channel: Field = "",
    address: Field = "",
    code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    person = person_of_session(request, session)
    svc = services_of(request)
    method = profile.method_of(svc, person, channel, address)
    key = _method_key(channel, address)
    typed = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", typed):
        problem = _("The code is the 6 digits sent to you; “%(code)s” is not.") % {"code": code}
        return show(request, session, status=422, error=(key, problem))
    result = profile.check_code(svc, method, typed)
    if result.outcome is CodeCheck.VERIFIED:
        return redirect(
            "/profile", _("%(address)s is verified: pages may use it now.") % {"address": address}
        )
    if result.outcome is CodeCheck.ALREADY:
        return redirect("/profile", _("%(address)s is already verified.") % {"address": address})
    problems = {
        CodeCheck.NONE_SENT: _("No code was sent to this method yet: press “Send code” first."),
        CodeCheck.EXPIRED: _("That code expired (a code is valid %(minutes)s minutes): send a new one.")
        % {"minutes": int(contacts.CODE_TTL.total_seconds() // 60)},
        CodeCheck.TOO_MANY: _("Too many wrong codes (%(n)s): send a new code.")
        % {"n": contacts.MAX_ATTEMPTS},
    }
    if result.outcome is CodeCheck.WRONG:
        if result.attempts_left > 0:
            problem = ngettext(
                "That is not the code sent: %(num)d attempt left.",
                "That is not the code sent: %(num)d attempts left.",
                result.attempts_left,
            ) % {"num": result.attempts_left}
        else:
            problem = _("That is not the code sent, and it was the last attempt: send a new code.")
    else:
        problem = problems[result.outcome]
    return show(request, session, status=422, error=(key, problem))


@router.post("/profile/methods/remove")
def remove(request: Request, session: FormSession, channel: Field = "", address: Field = "") -> Response:
    person = person_of_session(request, session)
    svc = services_of(request)
    method = profile.method_of(svc, person, channel, address)
    if method.source != "profile":
        problem = _(
            "This method comes from the configuration (tocsin.yaml): ask an admin to change it there."
        )
        return show(request, session, status=422, error=(_method_key(channel, address), problem))
    profile.remove(svc, person, channel, address)
    return redirect(
        "/profile",
        _("%(channel)s %(address)s removed.") % {"channel": channel_label(channel), "address": address},
    )
