"""Wire the status page into the app: the REST routes that post updates, and the cached
public front door for ``/status/``."""

from __future__ import annotations

from fastapi import FastAPI

from tocsin.bootstrap import Container
from tocsin.web.api import maintenances, status_updates
from tocsin.web.statuspage import subscribe
from tocsin.web.statuspage.cache import RenderCache, StatusPageApp


def install(app: FastAPI, container: Container) -> None:
    """Call before the outermost (metrics) middleware is added, so it still sees these requests."""
    cache = RenderCache(container.services)
    app.state.statuspage_cache = cache
    app.include_router(status_updates.router)
    app.include_router(maintenances.router)
    app.include_router(subscribe.router)
    app.add_middleware(StatusPageApp, cache=cache)
