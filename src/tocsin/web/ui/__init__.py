"""The responder web UI: server-rendered pages (Jinja2) made live with htmx; no build step.

Every page requires a signed-in user; every form carries a CSRF token; each action calls the
same service as the REST API with the signed-in user as the actor, so roles are enforced in
one place.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tocsin.web.ui.actions import router as actions
from tocsin.web.ui.admin import router as admin
from tocsin.web.ui.breaches import router as breaches
from tocsin.web.ui.dashboard import router as dashboard
from tocsin.web.ui.evidence import router as evidence
from tocsin.web.ui.evidence import upload_router as evidence_upload
from tocsin.web.ui.incidents import router as incidents
from tocsin.web.ui.isolation import router as isolation
from tocsin.web.ui.postmortem import router as postmortem
from tocsin.web.ui.preferences import router as preferences
from tocsin.web.ui.profile import router as profile
from tocsin.web.ui.profile_methods import router as profile_methods
from tocsin.web.ui.render import Templates
from tocsin.web.ui.reports import router as reports
from tocsin.web.ui.room import router as room
from tocsin.web.ui.room_alerts import router as room_alerts
from tocsin.web.ui.signin import router as signin
from tocsin.web.ui.status_panel import router as status_panel

STATIC_PREFIX = "/static"


def install_ui(app: FastAPI) -> None:
    """Add the UI's routes and static files to ``app`` (whose state holds the container)."""
    app.state.ui = Templates(static_prefix=STATIC_PREFIX)
    # /incidents/new before /incidents/{incident_id}: routes match in order
    for router in (
        signin,
        dashboard,
        incidents,
        room,
        room_alerts,
        actions,
        postmortem,
        isolation,
        breaches,
        evidence,
        evidence_upload,
        reports,
        status_panel,
        admin,
        preferences,
        profile,
        profile_methods,
    ):
        app.include_router(router)
    app.mount(STATIC_PREFIX, StaticFiles(packages=[("tocsin", "static")]), name="static")
