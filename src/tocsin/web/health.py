"""Probes and the metrics endpoint, outside the versioned API and without authentication.

``/healthz``: the process answers (liveness; never touches the database, so a database outage
does not get every replica restarted). ``/readyz``: the database answers and its schema is at
the revision this code expects (readiness: take the replica out of rotation otherwise).
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tocsin.web.context import container_of
from tocsin.web.errors import STORE_RETRY_AFTER, problem

router = APIRouter(include_in_schema=False)


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, through the app's own pool (None if empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    expected: str = request.app.state.schema_head
    try:
        revision = schema_revision(container_of(request).engine)
    except SQLAlchemyError as error:
        detail = f"the database is unreachable ({type(error).__name__})"
        return problem(503, detail, title="Not ready", headers=STORE_RETRY_AFTER)
    if revision != expected:
        found = revision or "no revision"
        detail = f"the database schema is at {found}, expected {expected}: run `tocsin db upgrade`"
        return problem(503, detail, title="Not ready")
    return JSONResponse({"status": "ready", "schema": revision})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
