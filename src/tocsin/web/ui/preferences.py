"""``/preferences``: the signed-in user's own settings — the language of the UI (the time zone
comes from their ``people`` entry in the plan, else from the browser)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from tocsin.domain.errors import InvalidInput
from tocsin.platform import i18n
from tocsin.platform.i18n import gettext as _
from tocsin.services.access import users
from tocsin.web import i18n as web_i18n
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

AUTO = "auto"


@router.get("/preferences")
def preferences(request: Request, session: Session) -> Response:
    user = session.user
    return page(
        request,
        "ui/preferences.html",
        session,
        nav="preferences",
        languages=[(code, i18n.NAMES[code]) for code in i18n.LANGUAGES],
        chosen=user.language or AUTO,
        browser=i18n.from_accept_language(request.headers.get("accept-language")),
        server_language=web_i18n.server_language(request),
        person_tz=web_i18n.person_timezone(request, user.email),
    )


@router.post("/preferences")
def save_preferences(
    request: Request, session: FormSession, language: Annotated[str, Form(max_length=10)] = AUTO
) -> Response:
    chosen = None if language == AUTO else language
    try:
        user = users.set_language(
            services_of(request), email=session.user.email, language=chosen, by=session.user.actor
        )
    except InvalidInput as exc:
        return redirect("/preferences", exc.detail, error=True)
    i18n.choose(user.language or web_i18n.request_language(request))  # the flash in the new language
    return redirect("/preferences", _("Preferences saved"))
