"""How a request reaches the container that ``create_app`` was given."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from tocsin.bootstrap import Container
from tocsin.bootstrap.services import AppServices


def container_of(request: Request) -> Container:
    return cast(Container, request.app.state.container)


def services_of(request: Request) -> AppServices:
    return container_of(request).services
