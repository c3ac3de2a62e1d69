"""The webhooks' lean path: ``POST /hooks/{kind}/{source}`` answered without FastAPI's routing.

Matching a request against every route of the app and running the endpoint machinery costs
more than the rest of a webhook's handling together, and webhooks need none of it (they read
their raw body and answer problem+json themselves). This ASGI middleware, innermost in the
stack (request logging, metrics and error handling still wrap it), recognises the three
webhook paths with one regular expression and calls the handler directly; every other request
goes on to the router. It labels the request with the route's template, as the router would.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request, str, str], Awaitable[Response]]
_PATH = re.compile(r"^/hooks/(alertmanager|grafana|generic)/([^/]+)$")


class LeanHooks:
    def __init__(self, app: ASGIApp, handler: Handler, routes: Mapping[str, BaseRoute]) -> None:
        self.app = app
        self.handler = handler
        self.routes = routes  # kind -> its route, for the request's label

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        kind, name = found.groups()
        scope["route"] = self.routes[kind]
        scope["path_params"] = {"source": name}
        response = await self.handler(Request(scope, receive), kind, name)
        await response(scope, receive, send)
