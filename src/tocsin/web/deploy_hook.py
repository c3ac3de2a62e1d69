"""``POST /hooks/deploy/{source}``: a deploy happened (from CI/CD: a curl at the end of a
pipeline). Token or basic auth as for alert sources (a source of kind ``deploy``).

Body (JSON)::

    {"service": "api", "version": "v1.4.2", "environment": "production",
     "deployed_at": "2026-11-27T09:48:00Z", "url": "https://ci.example.org/run/123",
     "author": "rita", "status": "success", "id": "run-123"}

``service`` (or ``component``), ``version`` and ``environment`` are required; ``deployed_at``
defaults to now, ``status`` to success; ``id`` makes a resent deploy one record. Unknown source
404, bad credentials 401, body over ``intake.max_body_bytes`` 413, a bad shape 422 naming the
JSON path. The answer (201) comes after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool

from tocsin.domain.deploy import Deploy
from tocsin.platform.payload import PayloadError, load_json
from tocsin.services.incidents.deploys import record_deploy
from tocsin.web.context import container_of, services_of
from tocsin.web.errors import domain_problem, problem, validation_errors
from tocsin.web.intake import Refused, read_body, source_named

router = APIRouter(include_in_schema=False)
Name = Annotated[str, Field(min_length=1, max_length=200)]


class DeployIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: Name | None = None
    component: Name | None = None
    version: Name
    environment: Annotated[str, Field(min_length=1, max_length=100)]
    deployed_at: AwareDatetime | None = None
    url: Annotated[str, Field(max_length=2000, pattern=r"^(https?://\S+)?$")] = ""
    author: Annotated[str, Field(max_length=200)] = ""
    status: Annotated[str, Field(max_length=40)] = "success"
    id: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _named(self) -> DeployIn:
        if not (self.service or self.component):
            raise ValueError("name the service (or component) that was deployed")
        return self

    def to_domain(self, source: str, now: datetime) -> Deploy:
        return Deploy(
            source=source,
            service=(self.service or self.component or "").strip(),
            version=self.version.strip(),
            environment=self.environment.strip().lower(),
            deployed_at=self.deployed_at or now,
            received_at=now,
            url=self.url,
            author=self.author,
            status=self.status.strip().lower() or "success",
            external_id=self.id,
        )


@router.post("/hooks/deploy/{source}")
async def deploy_hook(request: Request, source: str) -> JSONResponse:
    container = container_of(request)
    try:
        source_named(request, "deploy", source)
        body = await read_body(request, container.settings.intake.max_body_bytes)
    except Refused as refused:
        return refused.response
    try:
        value = load_json(body or b"{}")  # text repaired, as for alerts
    except ValueError as exc:
        return problem(400, str(exc), title="Malformed JSON")
    except PayloadError as exc:
        return domain_problem(exc)
    try:
        given = DeployIn.model_validate(value)
    except ValidationError as exc:
        errors = validation_errors([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, detail, title="Invalid payload", errors=errors)
    deploy = given.to_domain(source, container.clock.now())
    stored, touched = await run_in_threadpool(record_deploy, services_of(request), deploy)
    if stored is None:
        return JSONResponse({"duplicate": True, "incidents": []}, status_code=200)
    return JSONResponse({"id": stored.id, "duplicate": False, "incidents": touched}, status_code=201)
