"""GitHub issues that follow incidents: the reaction that enqueues the work, and the jobs that
do it (``github.open``, ``github.sync``, ``github.explain``, ``github.report``).

Each job reads what it needs in a read-only unit of work, talks to GitHub holding no lock, then
writes its progress in the worker's unit of work, which commits with the job's completion.
Creating is the ``github.open`` job's alone; it looks for an issue carrying the incident's
marker first, so a retry after a crash between "GitHub created it" and "we stored the number"
adopts that issue instead of opening a second. ``github.sync`` edits the body, labels and state
and mirrors the new timeline events as comments; its jobs are keyed per incident and per
``batch_seconds`` window, so a storm of events becomes one sync and a few comments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tocsin.domain import drill, markup, restriction
from tocsin.domain import github as domain
from tocsin.domain.alert import StoredAlert
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.github.context import GitHubContext, GitHubIssueContext
from tocsin.services.github.ports import GitHub, IssueLink, IssueTracker, TrackerError
from tocsin.services.incidents import diagnostics
from tocsin.services.incidents.postmortem import report_in
from tocsin.services.ports import UnitOfWork

_OPENING = frozenset({EventKind.DECLARED, EventKind.SEVERITY_CHANGED})
EXPLAIN_MARK = "<!-- tocsin-explain-{delivery} -->"


def jobs(svc: GitHubContext, change: Change, at: datetime) -> list[JobRequest]:
    """The issue's creation (an incident of a severity the rule covers) and a sync of the
    current batch window; changes that came from GitHub alone need no sync (pure: a reaction of
    ``services.reactions``; the batch window is the change's own time, not ``at``)."""
    del at
    gh = svc.github
    if gh is None or all(e.kind in domain.NOT_MIRRORED for e in change.events):
        return []
    incident = change.incident
    at = change.events[-1].at
    jobs = []
    if incident.severity in gh.open_for and any(e.kind in _OPENING for e in change.events):
        jobs.append(
            JobRequest(JobKind.GITHUB_OPEN, at, {"incident_id": incident.id}, f"github.open:{incident.id}")
        )
    window = gh.batch_seconds
    bucket = int(at.timestamp() // window)
    due = datetime.fromtimestamp((bucket + 1) * window, UTC)
    jobs.append(_sync_job(incident.id, due, str(bucket)))
    return jobs


def _sync_job(incident_id: int, due: datetime, suffix: str) -> JobRequest:
    return JobRequest(
        JobKind.GITHUB_SYNC, due, {"incident_id": incident_id}, f"github.sync:{incident_id}:{suffix}"
    )


def _ensure_labels(gh: GitHub, tracker: IssueTracker, names: Sequence[str]) -> None:
    missing = [name for name in names if f"{tracker.repository}:{name}" not in gh.labels_known]
    if missing:
        tracker.ensure_labels(missing, {name: domain.colour(name) for name in missing})
        gh.labels_known.update(f"{tracker.repository}:{name}" for name in missing)


def _title_and_body(
    gh: GitHub,
    tracker: IssueTracker,
    incident: Incident,
    alerts: Sequence[StoredAlert],
    *,
    at: datetime,
    links: Sequence[tuple[str, str]],
) -> tuple[str, str]:
    """The issue's title and body: the details, or only the restricted view where they may not go."""
    url = gh.incident_url(incident.id)
    if not gh.may_tell(incident.security, tracker):
        restricted = drill.mark(restriction.restricted_title(incident), incident.drill)
        return restricted, domain.restricted_body(incident, url=url, at=at)
    text = domain.body(incident, alerts, url=url, at=at, links=links)
    return drill.mark(domain.title(gh.title_template, incident, alerts), incident.drill), text


def open_issue(svc: GitHubIssueContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Create the incident's issue (once), or adopt the one a crashed run created."""
    gh = svc.github
    if gh is None:
        return True
    incident_id = IncidentId(int(payload["incident_id"]))
    with svc.read() as read:
        if read.github.link(incident_id) is not None:
            return True
        incident = read.incidents.get(incident_id)
        alerts = read.alerts.list(incident_id)
        links = diagnostics.links_in(svc, read, incident)
    if incident.severity not in gh.open_for:
        return True
    at = svc.clock.now()
    tracker = gh.home(incident.security)
    issue = tracker.find(domain.marker(incident.id))
    if issue is None:
        wanted = domain.labels(incident, gh.extra_labels)
        _ensure_labels(gh, tracker, wanted)
        title, text = _title_and_body(gh, tracker, incident, alerts, at=at, links=links)
        issue = tracker.create(title, text, wanted)
    uow.github.save(IssueLink(incident.id, tracker.repository, issue.number, issue.url), at)
    uow.jobs.enqueue([_sync_job(incident.id, at, "opened")])
    return True


def sync_issue(svc: GitHubIssueContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Bring the issue in line with the incident: body, labels, open/closed, new comments."""
    gh = svc.github
    if gh is None:
        return True
    incident_id = IncidentId(int(payload["incident_id"]))
    uow.hold("github.sync", incident_id)  # a concurrent sync of this issue finishes first; read after it
    with svc.read() as read:
        incident = read.incidents.get(incident_id)
        link = read.github.link(incident_id)
        if link is None:
            if incident.severity in gh.open_for:
                raise TrackerError(f"the issue of incident {incident_id} is not created yet")
            return True
        alerts = read.alerts.list(incident_id)
        links = diagnostics.links_in(svc, read, incident)
        entries = [
            domain.Entry(e.id, TimelineEvent(e.kind, e.at, e.actor, e.text, e.data))
            for e in read.timeline.list(incident_id)
            if e.id > link.synced_event_id
        ]
    at = svc.clock.now()
    tracker = gh.at(link.repository)
    title, text = _title_and_body(gh, tracker, incident, alerts, at=at, links=links)
    told = gh.may_tell(incident.security, tracker)
    _edit(gh, tracker, incident, link, text, title=None if told else title)
    if told:  # a restricted incident's timeline stays in tocsin
        _mirror(tracker, link, entries)
    last = entries[-1].id if entries else link.synced_event_id
    uow.github.save(replace(link, synced_event_id=last, synced_at=at), at)
    return True


def _edit(
    gh: GitHub, tracker: IssueTracker, incident: Incident, link: IssueLink, body: str, *, title: str | None
) -> None:
    wanted = domain.labels(incident, gh.extra_labels)
    _ensure_labels(gh, tracker, wanted)
    issue = tracker.get(link.number)
    labels = domain.merge_labels(issue.labels, wanted)
    fields: dict[str, Any] = {}
    if title is not None and issue.title != title:
        fields["title"] = title
    if issue.body != body:
        fields["body"] = body
    if set(labels) != set(issue.labels):
        fields["labels"] = list(labels)
    state = domain.desired_state(incident)
    if state is not None and state != issue.state:
        fields["state"] = state
        fields["state_reason"] = "completed" if state == "closed" else "reopened"
    if fields:
        tracker.update(link.number, **fields)


def _mirror(tracker: IssueTracker, link: IssueLink, entries: Sequence[domain.Entry]) -> None:
    batches = domain.comments(entries)
    if not batches:
        return
    # A run that died after posting but before its commit posted these already: skip them.
    posted = tracker.comment_bodies(link.number, link.synced_at)
    for last_id, text in batches:
        mark = domain.comment_marker(last_id)
        if not any(mark in body for body in posted):
            tracker.comment(link.number, text)


def explain(svc: GitHubContext, _uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Say on the issue why the incident stays open, and reopen the issue."""
    gh = svc.github
    if gh is None:
        return True
    number = int(payload["number"])
    mark = EXPLAIN_MARK.format(delivery=payload["delivery"])
    since = datetime.fromisoformat(str(payload["at"]))
    if not any(mark in body for body in gh.tracker.comment_bodies(number, since)):
        gh.tracker.comment(number, f"{markup.github(str(payload['text']))}\n{mark}")
    gh.tracker.update(number, state="open", state_reason="reopened")
    return True


REPORT_MARK = "<!-- tocsin-report:{incident}:{version} -->"
MAX_COMMENT = 65_000  # GitHub refuses comment bodies over 65,536 characters


def post_report(svc: GitHubIssueContext, _uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Post the Incident Report on the incident's issue once its post-mortem is complete (once:
    a comment carrying this completion's marker is not posted again)."""
    gh = svc.github
    if gh is None:
        return True
    incident_id = IncidentId(int(payload["incident_id"]))
    with svc.read() as read:
        link = read.github.link(incident_id)
        pm = read.postmortems.get(incident_id)
        text = report_in(svc, read, incident_id)
        security = read.incidents.get(incident_id).security
    if link is None or pm is None or pm.completed_at is None:
        return True
    if not gh.may_tell(security, gh.at(link.repository)):
        return True  # a restricted incident's report stays in tocsin
    mark = REPORT_MARK.format(incident=incident_id, version=pm.completed_at.isoformat())
    if any(mark in body for body in gh.tracker.comment_bodies(link.number, pm.completed_at)):
        return True
    text = markup.github(text)  # the post-mortem's fields are people's text: no HTML, no markers
    if len(text) > MAX_COMMENT:
        text = text[:MAX_COMMENT] + "\n\n… (cut: the whole report is in tocsin)\n"
    gh.tracker.comment(link.number, f"{text}\n{mark}")
    return True
