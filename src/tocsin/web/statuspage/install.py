"""Wire the status page into the app: the REST routes that post updates, and the cached
public front door for ``/status/``."""

from __future__ import annotations

from fastapi import FastAPI

from tocsin.bootstrap import Container
from tocsin.web.api import maintenances, status_updates
from tocsin.web.middleware import RequestObserver
from tocsin.web.statuspage import subscribe
from tocsin.web.statuspage.cache import RenderCache, StatusPageFrontDoor


def install(app: FastAPI, container: Container, observer: RequestObserver) -> StatusPageFrontDoor:
    """The routes, and the front door for the app to ask first (see ``web.app.TocsinApp``)."""
    cache = RenderCache(container.services, language=container.settings.server.language)
    app.state.statuspage_cache = cache
    app.include_router(status_updates.router)
    app.include_router(maintenances.router)
    app.include_router(subscribe.router)
    return StatusPageFrontDoor(cache, observer)
