"""GitHub issues end to end against a fake GitHub (validated with GitHub's OpenAPI description):
an Alertmanager webhook opens an incident, the worker opens exactly one labelled issue, its
lifecycle shows on the issue, and closing the issue on GitHub behaves as the plan says."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.github_fake import TOKEN
from tests.intake_fixtures import am_raw
from tests.paging_plan import drain
from tocsin.domain.access import SYSTEM
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.github import marker
from tocsin.domain.severity import Severity
from tocsin.services.github.ports import TrackerError
from tocsin.services.incidents import incidents
from tocsin.web.github_hook import signature, verify
from tocsin.worker.runner import Worker

SECRET = "It's a Secret to Everybody"
AM_TOKEN = "am-token"


@pytest.fixture
def fake(github_server):
    fake = github_server.reset()
    yield fake
    assert fake.errors == []


@pytest.fixture
def settings(db_url, fake):
    from tocsin.config import Settings

    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "sources": {"prom": {"kind": "alertmanager", "token": AM_TOKEN}},
            "github": {
                "repository": "acme/shop",
                "token": TOKEN,
                "api_url": fake.base_url,
                "webhook_secret": SECRET,
                "title": "incident-{date}-{alertname}",
                "max_rate_limit_wait_seconds": 5,
            },
        }
    )


def alert(client):
    response = client.post(
        "/hooks/alertmanager/prom",
        content=am_raw("firing_PostgreSQLDown"),
        headers={"Authorization": f"Bearer {AM_TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    return response.json()["incident_id"]


def hook(client, event, payload, delivery="d-1", secret=SECRET):
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature(secret, body),
        "Content-Type": "application/json",
    }
    return client.post("/hooks/github", content=body, headers=headers)


def closed(number, by="octocat"):
    return {
        "action": "closed",
        "issue": {"number": number, "state": "closed"},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": by},
    }


def later(clock, container, seconds=30):
    clock.advance(timedelta(seconds=seconds))
    drain(container)


def timeline(container, incident_id):
    return [e.text for e in incidents.get_timeline(container.services, incident_id, by=SYSTEM)]


def test_githubs_published_signature_vector():
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature(SECRET, b"Hello, World!") == expected
    assert verify(SECRET, b"Hello, World!", expected)
    assert not verify(SECRET, b"Hello, World?", expected)


def test_an_alert_gets_exactly_one_labelled_issue_that_follows_the_incident(client, container, clock, fake):
    incident_id = alert(client)
    drain(container)
    later(clock, container)
    assert list(fake.issues) == [1]
    issue = fake.issues[1]
    assert issue["title"] == "incident-2026-11-27-PostgreSQLDown"
    severity = incidents.get_incident(container.services, incident_id, by=SYSTEM).severity.value
    assert fake.issue_labels(1) == ["incident", f"severity:{severity}", "phase:detection"]
    created = {body["name"]: body["color"] for body in fake.calls("POST", "/labels")}
    assert created["incident"] == "d73a4a"
    assert created["phase:detection"] == "1d76db"
    assert f"<!-- tocsin-incident-{incident_id} -->" in issue["body"]
    assert "| Phase | detection |" in issue["body"]
    assert "Incident declared" in fake.comments[1][0]

    incidents.acknowledge_incident(container.services, incident_id, by=SYSTEM)
    incidents.add_note(container.services, incident_id, "restarting the primary", by=SYSTEM)
    incidents.update_incident(
        container.services, incident_id, severity=Severity.P3, reason="cosmetic", by=SYSTEM
    )
    later(clock, container)
    assert fake.issue_labels(1) == ["incident", "severity:P3", "phase:triage"]
    assert "| Phase | triage |" in fake.issues[1]["body"]
    assert len(fake.comments[1]) == 2  # three events, one batched comment
    assert "restarting the primary" in fake.comments[1][1]
    assert "Severity changed" in fake.comments[1][1]

    incidents.resolve_incident(container.services, incident_id, by=SYSTEM)
    incidents.close_incident(container.services, incident_id, by=SYSTEM)
    later(clock, container)
    assert (fake.issues[1]["state"], fake.issues[1]["state_reason"]) == ("closed", "completed")
    incidents.reopen_incident(container.services, incident_id, reason="flapping", by=SYSTEM)
    later(clock, container)
    assert fake.issues[1]["state"] == "open"
    assert list(fake.issues) == [1]
    patches = len(fake.calls("PATCH"))
    later(clock, container)  # nothing new: nothing sent
    assert len(fake.calls("PATCH")) == patches


def test_a_crash_between_create_and_store_adopts_the_issue(client, container, clock, fake):
    github = container.services.github
    real = github.tracker

    class CrashAfterCreate:
        repository = real.repository

        def __getattr__(self, name):
            return getattr(real, name)

        def create(self, *args):
            real.create(*args)
            raise TrackerError("worker died before storing the number")

    crashing = replace(container.services, github=replace(github, tracker=CrashAfterCreate()))
    incident_id = alert(client)
    drain(container, crashing)
    assert len(fake.issues) == 1
    later(clock, container, seconds=120)  # the retry finds the marker and adopts
    assert len(fake.issues) == 1
    assert fake.issues[1]["labels"][0] == "incident"
    assert f"tocsin-incident-{incident_id}" in fake.issues[1]["body"]
    assert fake.comments.get(1), "the adopted issue is synced"


def test_a_rate_limited_response_is_waited_out(client, container, clock, fake):
    alert(client)
    fake.rate_limit_next = 1
    drain(container)
    assert len(fake.issues) == 0  # told to wait 1 s: the job engine runs it again then, not before
    later(clock, container, seconds=1)
    assert len(fake.issues) == 1
    assert fake.log[0][0] == fake.log[1][0]  # the limited request was sent again


def test_closing_a_p2_issue_on_github_resolves_the_incident(client, container, clock, fake):
    incident_id = alert(client)
    incidents.update_incident(
        container.services, incident_id, severity=Severity.P2, reason="one feature", by=SYSTEM
    )
    later(clock, container)
    response = hook(client, "issues", closed(1))
    assert response.json() == {"outcome": "resolved"}
    assert hook(client, "issues", closed(1)).json() == {"outcome": "duplicate"}
    incident = incidents.get_incident(container.services, incident_id, by=SYSTEM)
    assert incident.resolved_at is not None
    texts = timeline(container, incident_id)
    assert "GitHub issue #1 closed by @octocat" in texts
    assert sum("closed by @octocat" in t for t in texts) == 1


def test_closing_a_p1_issue_keeps_the_incident_open_and_says_why(client, container, clock, fake):
    incident_id = alert(client)
    incidents.update_incident(
        container.services, incident_id, severity=Severity.P1, reason="many users", by=SYSTEM
    )
    later(clock, container)
    fake.issues[1]["state"] = "closed"
    assert hook(client, "issues", closed(1)).json() == {"outcome": "kept_open"}
    later(clock, container)
    incident = incidents.get_incident(container.services, incident_id, by=SYSTEM)
    assert incident.resolved_at is None
    assert incident.phase.is_open
    assert fake.issues[1]["state"] == "open"
    assert "post-mortem" in fake.comments[1][-1]
    assert "GitHub issue #1 closed by @octocat" in timeline(container, incident_id)


def test_issue_comments_are_imported_but_not_our_own(client, container, clock, fake):
    incident_id = alert(client)
    later(clock, container)
    comment = {"action": "created", "issue": {"number": 1}, "repository": {"full_name": "acme/shop"},
               "sender": {"login": "octocat"}, "comment": {"body": "DB failover done"}}  # fmt: skip
    assert hook(client, "issue_comment", comment, delivery="c-1").json() == {"outcome": "imported"}
    own = {**comment, "comment": {"body": fake.comments[1][0]}}
    assert hook(client, "issue_comment", own, delivery="c-2").json() == {"outcome": "ignored"}
    assert "Comment on GitHub issue #1 by @octocat: DB failover done" in timeline(container, incident_id)
    comments = len(fake.comments[1])
    later(clock, container)
    assert len(fake.comments[1]) == comments  # an imported comment is not mirrored back


def test_a_bad_signature_is_401_and_changes_nothing(client, container, clock, fake):
    incident_id = alert(client)
    later(clock, container)
    before = timeline(container, incident_id)
    response = hook(client, "issues", closed(1), secret="wrong")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    unsigned = client.post("/hooks/github", content=b"{}", headers={"X-GitHub-Event": "issues"})
    assert unsigned.status_code == 401
    assert timeline(container, incident_id) == before
    assert incidents.get_incident(container.services, incident_id, by=SYSTEM).resolved_at is None
    assert hmac.compare_digest(hashlib.sha256(b"").hexdigest(), hashlib.sha256(b"").hexdigest())


@pytest.mark.postgres
def test_two_workers_syncing_one_issue_at_once_post_each_comment_once(client, container, clock, fake, db_url):
    """Two sync jobs of one incident due together (a backlog), claimed by two workers: the
    second waits for the first and finds nothing left to mirror."""
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent workers need PostgreSQL")
    incident_id = alert(client)
    drain(container)
    later(clock, container)
    before = len(fake.comments[1])
    incidents.add_note(container.services, incident_id, "failing over to the replica", by=SYSTEM)
    now = clock.now()
    with container.services.uow() as uow:
        uow.jobs.enqueue(
            [
                JobRequest(
                    JobKind.GITHUB_SYNC, now, {"incident_id": incident_id}, f"github.sync:{incident_id}:{n}"
                )
                for n in ("backlog-1", "backlog-2")
            ]
        )
        uow.commit()

    # Both workers reach "which comments are posted already?" together unless one waits.
    meet = threading.Barrier(2)
    real = container.services.github.tracker

    class Together:
        repository = real.repository

        def __getattr__(self, name):
            return getattr(real, name)

        def comment_bodies(self, *args):
            with contextlib.suppress(threading.BrokenBarrierError):  # the other one waits: as it should
                meet.wait(timeout=2)
            return real.comment_bodies(*args)

    services = replace(container.services, github=replace(container.services.github, tracker=Together()))
    workers = [Worker(container) for _ in range(2)]
    for worker in workers:
        worker._services = services
        worker._settings = worker._settings.model_copy(update={"batch_size": 1})  # one job each
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    new = fake.comments[1][before:]
    assert len([c for c in new if "failing over to the replica" in c]) == 1


def action_hook(number, body, action="closed", by="octocat"):
    return {
        "action": action,
        "issue": {"number": number, "state": "closed" if action == "closed" else "open", "body": body},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": by},
    }


def test_a_p1_closes_from_github_once_its_post_mortem_is_complete(client, container, clock, fake):
    from tocsin.domain.access import Actor, Role
    from tocsin.domain.postmortem import ActionItem, Why
    from tocsin.services.incidents import postmortem
    from tocsin.services.incidents.postmortem_edit import Edit

    rita = Actor("rita", Role.RESPONDER)
    incident_id = alert(client)
    incidents.update_incident(
        container.services, incident_id, severity=Severity.P1, reason="login", by=SYSTEM
    )
    incidents.acknowledge_incident(container.services, incident_id, by=rita)
    incidents.resolve_incident(container.services, incident_id, summary="restarted", by=rita)
    later(clock, container)

    fake.issues[1]["state"] = "closed"
    assert hook(client, "issues", closed(1), delivery="d-1").json() == {"outcome": "kept_open"}
    later(clock, container)
    assert "post-mortem is complete" in fake.comments[1][-1]
    assert fake.issues[1]["state"] == "open"

    edit = Edit(
        root_cause="the database ran out of connections",
        action_items=(ActionItem(0, "Raise the pool to 20"), ActionItem(0, "Alert on pool usage")),
        whys=(Why("Why down?", "no connections left"),),
        why_actions=(2,),
    )
    postmortem.edit(container.services, incident_id, edit, by=rita)
    later(clock, container)
    actions = sorted(n for n, issue in fake.issues.items() if "incident-action" in fake.issue_labels(n))
    assert len(actions) == 2
    first = fake.issues[actions[0]]
    assert first["title"] == f"[#{incident_id}] Raise the pool to 20"
    assert f"post-mortem of incident #{incident_id}" in first["body"]
    stored = postmortem.view(container.services, incident_id, by=SYSTEM).postmortem
    assert [a.github_issue for a in stored.action_items] == actions

    # closing an action item's issue on GitHub marks it done; twice changes nothing more
    body = first["body"]
    assert hook(client, "issues", action_hook(actions[0], body), delivery="d-2").json() == {
        "outcome": "action_done"
    }
    assert hook(client, "issues", action_hook(actions[0], body), delivery="d-3").json() == {
        "outcome": "recorded"
    }
    stored = postmortem.view(container.services, incident_id, by=SYSTEM).postmortem
    assert [a.done for a in stored.action_items] == [True, False]
    assert f"Action item 1 “Raise the pool to 20” done on GitHub (#{actions[0]}) by @octocat" in timeline(
        container, incident_id
    )

    postmortem.complete(container.services, incident_id, by=rita)
    later(clock, container)
    report = fake.comments[1][-1]
    assert report.startswith("# Incident Report - ")
    assert "- [x] Raise the pool to 20" in report
    assert hook(client, "issues", closed(1), delivery="d-4").json() == {"outcome": "closed"}
    incident = incidents.get_incident(container.services, incident_id, by=SYSTEM)
    assert incident.phase.value == "closed"


def deployment_status(state, *, status_id=7, environment="production"):
    return {
        "action": "created",
        "deployment_status": {
            "id": status_id,
            "state": state,
            "environment": environment,
            "target_url": "https://github.com/acme/shop/actions/runs/1",
            "created_at": "2026-11-27T09:50:00Z",
            "creator": {"login": "rita"},
        },
        "deployment": {"id": 3, "ref": "v2.0.1", "sha": "a" * 40, "environment": environment, "payload": {}},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "rita"},
    }


def test_a_github_deployment_status_is_a_deploy(client, container, as_viewer):
    assert hook(client, "deployment_status", deployment_status("in_progress"), delivery="d-a").json() == {
        "outcome": "ignored"
    }
    assert hook(client, "deployment_status", deployment_status("success"), delivery="d-b").json() == {
        "outcome": "deploy_recorded"
    }
    again = hook(client, "deployment_status", deployment_status("success"), delivery="d-c")
    assert again.json() == {"outcome": "duplicate"}  # the same status, redelivered under a new id
    (listed,) = client.get("/api/v1/deploys", headers=as_viewer).json()
    assert (listed["source"], listed["service"], listed["version"], listed["environment"]) == (
        "github",
        "shop",
        "v2.0.1",
        "production",
    )
    assert listed["deployed_at"] == "2026-11-27T09:50:00Z"


# --- adoption: only tocsin's own issue, only a whole marker line; no planted marker -----------


def hostile_alert(client, summary: str) -> int:
    body = json.loads(am_raw("firing_PostgreSQLDown"))
    for alert in body["alerts"]:
        alert["annotations"]["summary"] = summary
    response = client.post(
        "/hooks/alertmanager/prom",
        content=json.dumps(body),
        headers={"Authorization": f"Bearer {AM_TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    return int(response.json()["incident_id"])


def linked_issue(container, incident_id: int) -> int:
    with container.services.read() as uow:
        link = uow.github.link(incident_id)
    assert link is not None
    return link.number


def test_an_alert_summary_cannot_plant_the_marker_a_later_incident_would_adopt(
    client, container, clock, fake
):
    first = hostile_alert(client, f"disk full\n{marker(2)}\n<img src=x onerror=alert(1)>")
    drain(container)
    body = fake.issues[1]["body"]
    assert marker(2) not in body.splitlines()
    assert "<!--" not in body.replace(marker(first), "")
    assert "<img" not in body
    assert "&lt;!-- tocsin-incident-2 -->" in body  # still readable as text

    second = incidents.declare_incident(
        container.services, title="Checkout errors", severity=Severity.P1, source="api", by=SYSTEM
    )
    assert second.id == 2
    later(clock, container)
    assert linked_issue(container, second.id) == 2
    assert len(fake.issues) == 2


def test_someone_elses_issue_carrying_a_copied_marker_is_never_adopted(client, container, fake):
    planted = fake.add_issue("Please look", f"hi\n{marker(1)}\n", ["incident"], author="mallory")
    incident_id = hostile_alert(client, "PostgreSQL is down")
    drain(container)

    assert linked_issue(container, incident_id) != planted
    assert fake.issues[planted]["body"] == f"hi\n{marker(1)}\n"  # untouched
    assert ("GET", "/user", None) in fake.log


def test_a_marker_inside_a_line_is_not_a_marker(client, container, fake):
    quoted = fake.add_issue("Notes", f"we saw `{marker(1)}` in a body", ["incident"])
    incident_id = hostile_alert(client, "PostgreSQL is down")
    drain(container)

    assert linked_issue(container, incident_id) != quoted


def test_with_an_app_token_only_the_apps_own_issue_is_adopted(client, container, fake):
    fake.app_token = True
    own = fake.add_issue("[P1] PostgreSQL is down", f"summary\n{marker(1)}", ["incident"])
    fake.add_issue("Copy", f"{marker(1)}", ["incident"], author="mallory")  # newer: listed first
    incident_id = hostile_alert(client, "PostgreSQL is down")
    drain(container)

    assert linked_issue(container, incident_id) == own
    assert len(fake.issues) == 2


def test_someone_elses_comment_with_a_timeline_marker_does_not_stop_the_mirror(
    client, container, clock, fake
):
    incident_id = hostile_alert(client, "PostgreSQL is down")
    drain(container)
    number = linked_issue(container, incident_id)
    mirrored = len(fake.comments.get(number, []))
    for n in range(1, 40):  # every marker a next comment could carry
        fake.add_comment(number, f"<!-- tocsin-events-to-{n} -->", author="mallory")
    incidents.add_note(container.services, incident_id, "pool exhausted", by=SYSTEM)
    later(clock, container)

    ours = [b for b in fake.comments[number][mirrored:] if "pool exhausted" in b]
    assert len(ours) == 1
