"""Reference and operations pages: the active plan (read-only), who is on call, and for admins
the job queue with its dead letters."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy.engine import make_url

from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.platform.i18n import gettext as _
from tocsin.services.ports import JobStatus
from tocsin.web.api import MAX_BIGINT, MAX_BODY_BYTES
from tocsin.web.context import container_of
from tocsin.web.markdown import plan_document, render_markdown
from tocsin.web.ui.oncall import on_call_now
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

JOB_LIMIT = 100
JOB_STATES = ("pending", "running", "dead", "cancelled", "done")


def _public_settings(request: Request) -> dict[str, Any]:
    """The configuration as loaded, with the database password masked."""
    dumped: dict[str, Any] = container_of(request).settings.model_dump(mode="json")
    url = dumped["database"]["url"]
    dumped["database"]["url"] = make_url(url).render_as_string(hide_password=True)
    return dumped


@router.get("/plan")
def plan(request: Request, session: Session) -> Response:
    settings = container_of(request).settings
    return page(
        request,
        "ui/plan.html",
        session,
        nav="plan",
        settings=settings,
        severities=list(Severity),
        document=render_markdown(plan_document()),
        raw=json.dumps(_public_settings(request), indent=2, ensure_ascii=False),
    )


@router.get("/on-call")
def on_call(request: Request, session: Session) -> Response:
    container = container_of(request)
    return page(
        request,
        "ui/oncall.html",
        session,
        nav="oncall",
        on_call=on_call_now(container.services, container.clock.now()),
    )


@router.get("/admin/jobs")
def jobs(
    request: Request, session: Session, status: Annotated[str, Query(max_length=12)] = "dead"
) -> Response:
    session.user.actor.require(Role.ADMIN, "viewing the job queue")
    store = container_of(request).jobs
    chosen = status if status in JOB_STATES else None
    return page(
        request,
        "ui/jobs.html",
        session,
        nav="jobs",
        jobs=store.list(status=chosen, limit=JOB_LIMIT),
        current=chosen or "all",
        states=JOB_STATES,
        dead=store.count_dead(),
        retryable=(JobStatus.DEAD, JobStatus.CANCELLED),
    )


@router.post("/admin/jobs/{job_id}/retry")
def retry(
    request: Request, session: FormSession, job_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)]
) -> Response:
    session.user.actor.require(Role.ADMIN, "retrying a job")
    container = container_of(request)
    container.jobs.retry(job_id, container.clock.now())
    return redirect("/admin/jobs?status=dead", _("Job {id} is pending again").format(id=job_id))
