"""``GET /api/v1/deploys``: the deploys tocsin has heard of, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from tocsin.domain.deploy import Deploy
from tocsin.services.incidents.deploys import list_deploys
from tocsin.web.api import API_PREFIX
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of

router = APIRouter(prefix=API_PREFIX, tags=["deploys"], dependencies=[Depends(current_actor)])


class DeployOut(BaseModel):
    id: int | None
    source: str
    service: str
    version: str
    environment: str
    deployed_at: datetime
    received_at: datetime
    url: str
    author: str
    status: str

    @classmethod
    def render(cls, d: Deploy) -> DeployOut:
        return cls(
            id=d.id,
            source=d.source,
            service=d.service,
            version=d.version,
            environment=d.environment,
            deployed_at=d.deployed_at,
            received_at=d.received_at,
            url=d.url,
            author=d.author,
            status=d.status,
        )


@router.get("/deploys", response_model=list[DeployOut])
def deploys(
    request: Request,
    *,
    actor: CurrentActor,
    service: Annotated[str | None, Query(max_length=200)] = None,
    environment: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Newest first; filter by ``service`` and ``environment``."""
    found = list_deploys(
        services_of(request), by=actor, service=service, environment=environment, limit=limit, offset=offset
    )
    return [DeployOut.render(d) for d in found]
