"""The webhooks' lean path: ``POST /hooks/{kind}/{source}`` answered before the app's stack.

Alertmanager storms are the load this server must take. Matching a request against every
route of the app, running the endpoint machinery and the generic middleware stack cost more
than the rest of a webhook's handling together, and webhooks need none of it: they read their
raw body, answer problem+json themselves, and have a body limit of their own. ``HookFrontDoor``
(asked first by ``web.app.TocsinApp``) recognises the three webhook paths with one regular
expression and calls the handler directly, with what the stack would have given: the request
id header, one metrics sample and one log line (labelled with the route's template, as the
router would), and a logged 500 problem for an unexpected error. Every other request goes on
to the app.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping

import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from tocsin.web.errors import problem
from tocsin.web.middleware import Observed, RequestObserver

Handler = Callable[[Request, str, str], Awaitable[Response]]
_PATH = re.compile(r"^/hooks/(alertmanager|grafana|generic)/([^/]+)$")
_log = structlog.get_logger("tocsin.web.errors")


class HookFrontDoor:
    def __init__(self, handler: Handler, routes: Mapping[str, BaseRoute], observer: RequestObserver) -> None:
        self.handler = handler
        self.routes = routes  # kind -> its route, for the request's label
        self.observer = observer

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request if it is a webhook; ``False`` to let the app handle it."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return False
        found = _PATH.match(scope["path"])
        if found is None:
            return False
        kind, name = found.groups()
        scope["route"] = self.routes[kind]
        scope["path_params"] = {"source": name}
        observed = Observed(scope, send)
        try:
            try:
                response = await self.handler(Request(scope, receive), kind, name)
            except Exception as exc:
                _log.error("unhandled_error", path=scope["path"], error=type(exc).__name__, exc_info=exc)
                response = problem(500, "an unexpected error occurred; it has been logged")
            await response(scope, receive, observed.send_with_id)
        finally:
            observed.done(self.observer)
        return True
