"""The web application: ``create_app(container)`` wires routes, errors, logging and metrics.

Nothing happens at import time; each call builds an independent app (its own metrics
registry), which is what tests and multi-tenant hosts need.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import Depends, FastAPI
from starlette.types import Receive, Scope, Send

from tocsin.bootstrap import Container
from tocsin.bootstrap.database import migrate
from tocsin.services.paging.phone_replies import PhoneReplyService
from tocsin.web import deploy_hook, docs, github_hook, health, intake, slack
from tocsin.web import page_link as page_link_routes
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES, alerts, incidents, reports
from tocsin.web.api import breaches as breaches_api
from tocsin.web.api import checklist as checklist_api
from tocsin.web.api import compliance as compliance_api
from tocsin.web.api import deploys as deploys_api
from tocsin.web.api import evidence as evidence_api
from tocsin.web.api import isolation as isolation_api
from tocsin.web.api import oncall as oncall_api
from tocsin.web.api import pages as pages_api
from tocsin.web.api import postmortem as postmortem_api
from tocsin.web.api import security as security_api
from tocsin.web.errors import install_error_handlers
from tocsin.web.headers import SecureHtml
from tocsin.web.metrics import AppMetrics
from tocsin.web.middleware import LimitBodySize, ObserveRequests
from tocsin.web.openapi import document_problems
from tocsin.web.statuspage import install as statuspage
from tocsin.web.storable import GuardJsonNumbers, refuse_unstorable
from tocsin.web.twilio_hook import router as twilio_router
from tocsin.web.ui import install_ui


class FrontDoor(Protocol):
    async def serve(self, scope: Scope, receive: Receive, send: Send) -> bool: ...


class TocsinApp(FastAPI):
    """FastAPI, with front doors asked before the middleware stack: the two paths that take
    the load during an outage — the public status page (``web.statuspage.cache``) and the alert
    webhooks (``web.intake``) — are answered without a framework pass (each still counted
    in the request metrics). Everything else goes through the stack as usual."""

    front_doors: tuple[FrontDoor, ...] = ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["app"] = self
            for door in self.front_doors:
                if await door.serve(scope, receive, send):
                    return
        await super().__call__(scope, receive, send)


def create_app(container: Container) -> TocsinApp:
    app = TocsinApp(
        title="tocsin",
        summary="Self-hosted incident response: the incident response plan, as software.",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # web/docs.py: the vendored Swagger UI, no CDN
        redoc_url=None,
        dependencies=[Depends(refuse_unstorable)],  # every route: no text the database cannot store
    )
    app.state.container = container
    app.state.schema_head = migrate.head()
    app.state.phone_replies = PhoneReplyService(container.services)  # web/twilio_hook.py
    app.state.metrics = AppMetrics(container.figures, container.jobs, container.clock)
    install_error_handlers(app)
    document_problems(app)  # every error a problem document, in the published schema too
    app.include_router(incidents.router)
    app.include_router(postmortem_api.router)
    app.include_router(compliance_api.router)
    app.include_router(checklist_api.router)
    app.include_router(security_api.router)
    app.include_router(deploys_api.router)
    app.include_router(isolation_api.router)
    app.include_router(breaches_api.router)
    app.include_router(evidence_api.router)
    app.include_router(evidence_api.upload_router)  # reads its own body, up to security.evidence.max_bytes
    app.include_router(alerts.router)
    app.include_router(reports.router)
    app.include_router(oncall_api.router)
    app.include_router(oncall_api.feeds_router)
    app.include_router(pages_api.router)  # GET /api/v1/incidents/{id}/pages
    app.include_router(health.router)
    app.include_router(docs.router)
    install_ui(app)
    app.include_router(page_link_routes.router)  # /p/{token}: no sign-in, no CSRF: the token is the key
    app.include_router(slack.router)  # before webhooks: /hooks/slack/… is not an intake source
    app.include_router(github_hook.router)  # POST /hooks/github
    app.include_router(deploy_hook.router)  # POST /hooks/deploy/{source}
    app.include_router(twilio_router)  # POST /hooks/twilio/sms|voice|status
    hooks = intake.install(app, max_in_flight=container.settings.intake.max_in_flight)
    app.add_middleware(GuardJsonNumbers, max_bytes=MAX_BODY_BYTES)  # inside the size limit
    app.add_middleware(
        LimitBodySize, max_bytes=MAX_BODY_BYTES, exempt=("/hooks/",), exempt_pattern=evidence_api.UPLOAD_PATH
    )
    status_page = statuspage.install(app, container, app.state.metrics)  # /status/, …/status-updates
    app.add_middleware(SecureHtml)  # CSP, nosniff, Referrer-Policy on every HTML response
    app.add_middleware(ObserveRequests, observer=app.state.metrics)  # outermost of the stack
    app.front_doors = (status_page, hooks)  # asked first; they count their own requests
    return app
