"""Bearer-token authentication: ``Authorization: Bearer <token>`` becomes an ``Actor``.

Who may do what is decided by the services (``Actor.require``); one rule is also enforced
here, before the body is even read: a request that changes something (any method but GET,
HEAD, OPTIONS) needs the responder role at least. Viewers read (README "Roles")."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tocsin.domain.access import Actor, Role
from tocsin.services.access.tokens import authenticate
from tocsin.web.context import services_of
from tocsin.web.errors import AuthenticationError

# auto_error=False: a missing header is our own 401 problem, not FastAPI's plain error; the
# scheme still documents the requirement in the OpenAPI document.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="An API token: `tocsin token create NAME --role ROLE`.")


def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The actor the request's token stands for; ``AuthenticationError`` (401) otherwise."""
    if credentials is None or not credentials.credentials:
        raise AuthenticationError()
    actor = authenticate(services_of(request), credentials.credentials)
    if actor is None:
        raise AuthenticationError("the bearer token is unknown or revoked")
    if request.method not in SAFE_METHODS:
        actor.require(Role.RESPONDER, "changing anything")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
