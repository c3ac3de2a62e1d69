"""How a request reaches the container that ``create_app`` was given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from fastapi import Request

from tocsin.bootstrap import Container
from tocsin.bootstrap.services import AppServices
from tocsin.services.one_read import shared_read

_SHARED = "tocsin.one_read"  # the request's services while a page reads in one unit of work


def container_of(request: Request) -> Container:
    return cast(Container, request.app.state.container)


def services_of(request: Request) -> AppServices:
    shared = request.scope.get(_SHARED)
    if shared is not None:
        return cast(AppServices, shared)
    return container_of(request).services


@contextmanager
def one_read(request: Request) -> Iterator[AppServices]:
    """For the block, every read the request makes through ``services_of`` shares one
    read-only unit of work (one pool checkout, one transaction): a page's many use cases."""
    with shared_read(container_of(request).services) as svc:
        request.scope[_SHARED] = svc
        try:
            yield svc
        finally:
            del request.scope[_SHARED]
