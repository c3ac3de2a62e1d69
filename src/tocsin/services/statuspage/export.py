"""The public page as static files (``statuspage.export_dir``, ``tocsin status export DIR``), so
nginx or a CDN can serve it while tocsin itself is down.

Every public change bumps the status revision in the database. With an export directory
configured, the unit of work that commits such a change enqueues ``statuspage.export`` in the
same transaction, keyed by the committed revision. The job writes the *current* page, not the
page as it was at its revision, and does nothing when the directory already holds that
revision or a newer one: jobs that run late, twice or out of order leave the newest page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from tocsin.domain.events import JobKind, JobRequest
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.view import Snapshot, snapshot, version


class StaticSite(Protocol):
    """A directory holding the exported page (the renderer lives with the web pages)."""

    def claim(self) -> AbstractContextManager[int]:
        """Hold the directory against other exporters until the block ends (they wait); yield
        the revision last exported there, 0 if none."""
        ...

    def write(self, snap: Snapshot, revision: int) -> int:
        """Write every document of ``snap``, each one atomically, then record ``revision``;
        return how many documents were written."""
        ...


SiteFactory = Callable[[Path], StaticSite]
"""Opens the site for a directory; entrypoints hand it to ``bootstrap.build``."""


@dataclass(frozen=True, slots=True)
class Exported:
    revision: int
    """The status revision the directory holds now."""
    written: int
    """Documents written; 0 when the directory was already at ``revision`` or newer."""


def export_job(revision: int, at: datetime) -> JobRequest:
    """What committing the public change that reached ``revision`` implies; one per revision."""
    return JobRequest(
        JobKind.STATUS_EXPORT,
        due_at=at,
        payload={"revision": revision},
        key=f"statuspage.export:{revision}",
    )


def public_changed(svc: StatusPageContext, uow: UnitOfWork) -> None:
    """A use case that changed the public page (a published update, component statuses, a
    maintenance) says so before it commits: with an export directory, this enqueues the
    ``statuspage.export`` job of the revision the change reached, in the same transaction."""
    if svc.statuspage.exports:
        uow.jobs.enqueue([export_job(int(uow.statuspage.version()), svc.clock.now())])


def export(svc: StatusPageContext, site: StaticSite, *, force: bool = False) -> Exported:
    """Write the current page into ``site`` unless it already holds the current revision
    (``force`` writes anyway: ``tocsin status export`` into a directory of the user's choice).

    The revision is read before the snapshot, so a change committed in between leaves files
    newer than the recorded revision (the next job writes again), never the reverse.
    """
    with site.claim() as exported:
        revision = int(version(svc))
        if exported >= revision and not force:
            return Exported(exported, 0)
        return Exported(revision, site.write(snapshot(svc), revision))


def next_day(svc: Services, uow: UnitOfWork) -> None:
    """The page moves at midnight UTC even when nothing public changes (its uptime bars end
    "today"): one export per day, just after midnight, keeps the static copy current. Queued
    by every export (once per day: the key), in the caller's transaction."""
    day = svc.clock.now().date() + timedelta(days=1)
    due = datetime.combine(day, time(0, 1), tzinfo=UTC)
    job = JobRequest(
        JobKind.STATUS_EXPORT,
        due_at=due,
        payload={"day": day.isoformat()},
        key=f"statuspage.export:day:{day}",
    )
    uow.jobs.enqueue([job])


def on_change(svc: StatusPageContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> Exported:
    """``statuspage.export``: bring the export directory up to date (a daily run writes even
    at the same revision). The page is read through its own read-only unit of work, so the
    worker's transaction holds no lock while rendering."""
    site = svc.statuspage.export
    if site is None:
        raise RuntimeError(
            f"statuspage.export (revision {payload.get('revision')}): this worker has no export "
            "directory; set statuspage.export_dir, or start it with `tocsin worker` / `tocsin serve`"
        )
    exported = export(svc, site, force="day" in payload)
    next_day(svc, uow)
    return exported


def catch_up(svc: StatusPageContext) -> Exported | None:
    """At worker start: a fresh deploy or an emptied directory gets the page now rather than
    at the next public change, and the daily export is queued. ``None`` when no export
    directory is configured."""
    site = svc.statuspage.export
    if site is None:
        return None
    exported = export(svc, site)
    with svc.uow() as uow:
        next_day(svc, uow)
        uow.commit()
    return exported
