"""``statuspage.export_dir``: every public change, committed, enqueues an export in its own
transaction; the worker writes the current page there as static files, once per revision."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.paging_plan import drain
from tests.web.statuspage.conftest import COMPONENTS
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor
from tocsin.domain.events import JobKind
from tocsin.domain.incident import IncidentId
from tocsin.domain.maintenance import schedule as a_maintenance
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.context import Services
from tocsin.services.incidents import incidents
from tocsin.services.statuspage import export as statuspage_export
from tocsin.services.statuspage import maintenance, statuspage
from tocsin.services.statuspage.view import version
from tocsin.web.statuspage.export import MARKER, DirectorySite
from tocsin.worker.runner import Worker


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


def _settings(db_url: str, export_dir: Path | None) -> Settings:
    page = {"name": "KoproGo Status", "components": COMPONENTS}
    if export_dir is not None:
        page["export_dir"] = str(export_dir)
    return Settings.model_validate({"database": {"url": db_url}, "statuspage": page})


@pytest.fixture
def settings(db_url: str, site: Path) -> Settings:
    return _settings(db_url, site)


@pytest.fixture
def container(settings, clock) -> Iterator[bootstrap.Container]:
    built = bootstrap.build(settings, clock=clock, static_site=DirectorySite)
    try:
        yield built
    finally:
        built.close()


def _declare(services: Services, responder: Actor) -> IncidentId:
    created = incidents.declare_incident(
        services, title="LoginFailures on web-3.prod", severity=Severity.P1, by=responder
    )
    return created.id


def _post(services: Services, incident_id: IncidentId, responder: Actor, status: UpdateStatus, text: str):
    return statuspage.post_status_update(
        services, incident_id, status=status, message=text, components=["login"], by=responder
    )


def _exports(container: bootstrap.Container) -> list:
    """The exports that public changes queued (not the daily one)."""
    return [j for j in container.jobs.list() if j.kind is JobKind.STATUS_EXPORT and ":day:" not in j.key]


def _daily(container: bootstrap.Container) -> list:
    return [j for j in container.jobs.list() if j.kind is JobKind.STATUS_EXPORT and ":day:" in j.key]


def _summary(site: Path) -> dict:
    return json.loads((site / "api/v2/summary.json").read_text())


def test_a_public_update_enqueues_its_export_in_the_same_transaction(container, services, responder):
    incident_id = _declare(services, responder)
    assert _exports(container) == []  # the prepared draft is not public
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
    revision = int(version(services))
    [job] = _exports(container)
    assert job.key == f"statuspage.export:{revision}"
    assert job.payload == {"revision": revision}
    assert job.status == "pending"


def test_a_change_rolled_back_enqueues_nothing(container, services, clock, responder):
    planned = a_maintenance(
        "m1",
        "u1",
        name="Database upgrade",
        body="Planned.",
        scheduled_for=clock.now() + timedelta(days=1),
        scheduled_until=clock.now() + timedelta(days=1, hours=1),
        components=["api"],
        at=clock.now(),
    )
    with services.uow() as uow:
        uow.statuspage.save_maintenance(planned)
        statuspage_export.public_changed(services, uow)  # what a use case says before committing
        uow.rollback()
        uow.commit()  # the next transaction changed nothing public
    assert _exports(container) == []
    maintenance.schedule(
        services,
        name="Database upgrade",
        message="Planned.",
        scheduled_for=clock.now() + timedelta(days=1),
        scheduled_until=clock.now() + timedelta(days=1, hours=1),
        components=["api"],
        by=responder,
    )
    assert [j.key for j in _exports(container)] == [f"statuspage.export:{version(services)}"]


def test_the_worker_writes_the_page_and_its_json(container, services, responder, site):
    incident_id = _declare(services, responder)
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "Sign-in fails for some users.")
    assert not site.exists()
    drain(container)
    assert "Sign-in fails for some users." in (site / "index.html").read_text()
    summary = _summary(site)
    assert summary["page"]["name"] == "KoproGo Status"
    assert {c["name"]: c["status"] for c in summary["components"]}["Login"] == "partial_outage"
    [incident] = summary["incidents"]
    assert incident["incident_updates"][0]["body"] == "Sign-in fails for some users."
    assert (site / f"incidents/{incident['id']}.html").exists()
    assert (site / MARKER).read_text() == f"{version(services)}\n"
    assert [p.name for p in site.rglob("*.tmp")] == []
    assert b"web-3" not in b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())


def test_a_second_change_exports_again(container, services, responder, clock, site):
    incident_id = _declare(services, responder)
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
    drain(container)
    clock.advance(timedelta(minutes=20))
    _post(services, incident_id, responder, UpdateStatus.RESOLVED, "Fixed: a bad deploy, rolled back.")
    drain(container)
    assert "Fixed: a bad deploy, rolled back." in (site / "index.html").read_text()
    assert _summary(site)["status"]["indicator"] == "none"
    assert {c["name"]: c["status"] for c in _summary(site)["components"]}["Login"] == "operational"
    assert (site / MARKER).read_text() == f"{version(services)}\n"
    assert [j.status for j in _exports(container)] == ["done", "done"]


def test_maintenance_is_exported_too(container, services, responder, clock, site):
    maintenance.schedule(
        services,
        name="Database upgrade",
        message="We will upgrade the database.",
        scheduled_for=clock.now() + timedelta(days=1),
        scheduled_until=clock.now() + timedelta(days=1, hours=1),
        components=["api"],
        by=responder,
    )
    drain(container)
    maintenances = json.loads((site / "api/v2/scheduled-maintenances/upcoming.json").read_text())
    assert [m["name"] for m in maintenances["scheduled_maintenances"]] == ["Database upgrade"]


def test_runs_twice_effect_once_and_a_late_job_keeps_the_newest_page(container, services, responder, site):
    incident_id = _declare(services, responder)
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "First words.")
    first = int(version(services))
    _post(services, incident_id, responder, UpdateStatus.IDENTIFIED, "Second words.")
    drain(container)
    index = (site / "index.html").read_bytes()
    assert b"Second words." in index
    with services.uow() as uow:
        late = statuspage_export.on_change(services, uow, {"revision": first})
        again = statuspage_export.on_change(services, uow, {"revision": int(version(services))})
    assert (late.written, again.written) == (0, 0)
    assert late.revision == int(version(services))
    assert (site / "index.html").read_bytes() == index


def test_without_export_dir_no_job_is_enqueued(db_url, clock, responder):
    built = bootstrap.build(_settings(db_url, None), clock=clock, static_site=DirectorySite)
    try:
        incident_id = _declare(built.services, responder)
        _post(built.services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
        assert built.services.statuspage.export is None
        assert _exports(built) == []
    finally:
        built.close()


def test_a_starting_worker_exports_a_page_the_directory_lacks(db_url, clock, responder, site, tmp_path):
    # Updates posted before the export directory was configured (or a wiped directory).
    before = bootstrap.build(_settings(db_url, None), clock=clock)
    try:
        incident_id = _declare(before.services, responder)
        _post(before.services, incident_id, responder, UpdateStatus.INVESTIGATING, "Already public.")
    finally:
        before.close()
    after = bootstrap.build(_settings(db_url, site), clock=clock, static_site=DirectorySite)
    try:
        stop = threading.Event()
        stop.set()
        Worker(after).run(stop, poll_interval=0)
        assert "Already public." in (site / "index.html").read_text()
        assert _exports(after) == []  # no job was needed
        assert [j.key for j in _daily(after)] == [
            f"statuspage.export:day:{clock.now().date() + timedelta(days=1)}"
        ]
    finally:
        after.close()


def test_a_worker_without_the_page_writer_fails_the_job_visibly(db_url, clock, responder, site):
    built = bootstrap.build(_settings(db_url, site), clock=clock)  # no static_site
    try:
        incident_id = _declare(built.services, responder)
        _post(built.services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
        drain(built)
        [job] = _exports(built)
        assert (job.status, job.attempts) == ("pending", 1)  # retried with backoff, then dead
        assert "this worker has no export directory" in str(job.last_error)
        assert not site.exists()
    finally:
        built.close()


def test_an_explicit_export_writes_anyway_and_records_its_revision(
    container, services, responder, tmp_path: Path
):
    incident_id = _declare(services, responder)
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
    elsewhere = tmp_path / "elsewhere"
    first = statuspage_export.export(services, DirectorySite(elsewhere), force=True)
    again = statuspage_export.export(services, DirectorySite(elsewhere), force=True)
    assert first.written == again.written > 0
    assert first.revision == int(version(services))
    assert statuspage_export.export(services, DirectorySite(elsewhere)).written == 0
    assert (elsewhere / MARKER).read_text() == f"{first.revision}\n"


def test_the_page_is_exported_again_after_midnight_without_any_change(
    container, services, responder, clock, site
):
    """The uptime bars end "today": a static copy must move on with the days, change or not."""
    incident_id = _declare(services, responder)
    _post(services, incident_id, responder, UpdateStatus.INVESTIGATING, "Looking into it.")
    drain(container)
    today, tomorrow = clock.now().date(), clock.now().date() + timedelta(days=1)
    assert f'title="{today.isoformat()}: ' in (site / "index.html").read_text()
    assert f'title="{tomorrow.isoformat()}: ' not in (site / "index.html").read_text()
    [daily] = _daily(container)
    assert daily.due_at.date() == tomorrow

    clock.advance(timedelta(days=1))
    drain(container)
    assert f'title="{tomorrow.isoformat()}: ' in (site / "index.html").read_text()
    by_day = sorted(_daily(container), key=lambda j: j.due_at)
    assert [j.status for j in by_day] == ["done", "pending"]  # and the next day's is queued
    drain(container)
    assert len(_daily(container)) == 2  # once per day, however often the worker looks
