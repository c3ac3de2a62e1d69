"""The pages and their forms, server side: what a responder and an admin see and do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tocsin.domain.access import Actor, Role
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.incidents.incidents import declare_incident, get_incident, get_timeline


@pytest.fixture
def p1(services, responder):
    return declare_incident(services, title="Payments blocked", severity=Severity.P1, by=responder)


def flash(client) -> str:
    match = re.search(r'class="flash[^"]*"[^>]*>\s*<span[^>]*>.</span>([^<]+)', client.get("/").text)
    return match.group(1).strip() if match else ""


def test_the_dashboard_orders_by_severity_then_time_left(client, as_role, services, responder, clock):
    declare_incident(services, title="Slow search", severity=Severity.P2, by=responder)
    clock.advance(timedelta(minutes=30))
    declare_incident(services, title="Checkout down", severity=Severity.P1, by=responder)
    clock.advance(timedelta(minutes=1))
    declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    as_role(Role.VIEWER)
    page = client.get("/dashboard/live").text
    titles = re.findall(r"</span> ([^<]+)</a>", page)
    assert titles[:3] == ["Checkout down", "Login fail", "Slow search"]
    assert page.index("Slow search") > page.index("Login fail")
    assert 'data-deadline="2026-11-27T11:30:00Z"' in page  # Checkout down, due at 11:30 UTC
    assert "nobody yet" in page


def test_declare_acknowledge_note_resolve_close(client, as_role, services, admin):
    token = as_role(Role.RESPONDER)
    response = client.post(
        "/incidents/new",
        data={"title": "Login fail", "severity": "p1", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/incidents/1"
    assert "Incident #1 declared" in client.get("/incidents/1").text
    for path, data in [
        ("acknowledge", {}),
        ("notes", {"text": "pool exhausted"}),
        ("impact", {"users_affected": "1,200", "features_down": "login, sso", "data_risk": "1"}),
        ("severity", {"severity": "P0", "reason": "everyone is locked out"}),
        ("resolve", {"summary": "pool 10 -> 20"}),
        ("close", {}),  # refused (flash): the P0's post-mortem is due
        (
            "postmortem",
            {"root_cause": "pool of 10", "action_items": "Raise the pool", "whys": "Why? -> pool"},
        ),
        (
            "postmortem",
            {
                "why_actions": "1",
                "root_cause": "pool of 10",
                "action_items": "#1 Raise the pool",
                "whys": "Why? -> pool",
            },
        ),
        ("postmortem/complete", {}),
        ("close", {}),
    ]:
        response = client.post(
            f"/incidents/1/{path}", data={**data, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, (path, response.text)
    incident = get_incident(services, 1, by=admin)
    assert incident.phase is Phase.CLOSED
    assert incident.severity is Severity.P0
    assert incident.impact.users_affected == 1200
    assert incident.impact.features_down == ("login", "sso")
    assert incident.acknowledged_by == "responder@example.org"
    actors = {e.actor for e in get_timeline(services, 1, by=admin)}
    assert "responder@example.org" in actors


def test_a_refused_command_comes_back_as_a_message(client, as_role, p1):
    token = as_role(Role.RESPONDER)
    response = client.post(f"/incidents/{p1.id}/close", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(f"/incidents/{p1.id}").text
    assert "flash-error" in page
    assert "cannot close an incident in phase &#39;detection&#39;" in page


def test_a_bad_declaration_keeps_what_was_typed(client, as_role):
    token = as_role(Role.RESPONDER)
    response = client.post(
        "/incidents/new", data={"title": "   ", "severity": "P1", "summary": "kept", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "title: must not be empty" in response.text
    assert ">kept</textarea>" in response.text


def test_a_note_posted_by_htmx_returns_the_refreshed_timeline(client, as_role, p1):
    token = as_role(Role.RESPONDER)
    response = client.post(
        f"/incidents/{p1.id}/notes",
        data={"text": "rolling back v1.4.2", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="timeline-panel"' in response.text
    assert "rolling back v1.4.2" in response.text


def test_mark_as_security_incident(client, as_role, services, admin, p1):
    token = as_role(Role.RESPONDER)
    client.post(f"/incidents/{p1.id}/security", data={"reason": "odd logins", "csrf_token": token})
    assert get_incident(services, p1.id, by=admin).security is True
    # the responder who raised the flag now sees the restricted view only
    page = client.get(f"/incidents/{p1.id}").text
    assert f"Restricted incident #{p1.id} (P1)" in page
    assert p1.title not in page
    client.post("/sign-out", data={"csrf_token": token})
    as_role(Role.SECURITY)
    page = client.get(f"/incidents/{p1.id}").text
    assert "Security incident" in page
    assert p1.title in page
    assert "Notification GDPR : CNIL sous 72h si breach" in page


def test_the_timeline_filters_by_kind(client, as_role, p1):
    token = as_role(Role.RESPONDER)
    client.post(f"/incidents/{p1.id}/notes", data={"text": "first note", "csrf_token": token})
    notes_only = client.get(f"/incidents/{p1.id}/timeline?kind=note").text
    assert "first note" in notes_only
    assert "Incident declared" not in notes_only
    everything = client.get(f"/incidents/{p1.id}/timeline").text
    assert "Incident declared" in everything


def test_a_long_timeline_shows_the_newest_events_and_a_link_to_older_ones(client, as_role, services, p1):
    with services.uow() as uow:
        notes = [
            TimelineEvent(EventKind.NOTE, p1.detected_at, "rita", f"note number {n}.") for n in range(120)
        ]
        uow.timeline.append(p1.id, notes)
        uow.commit()
    as_role(Role.VIEWER)
    room = client.get(f"/incidents/{p1.id}").text
    assert "note number 119." in room
    assert "note number 70." in room
    assert "note number 69." not in room
    older = re.search(r'href="(/incidents/\d+\?before=\d+)#timeline-panel"', room)
    assert older is not None
    assert 'hx-trigger="every 5s" hx-include="#timeline-filter"' in room

    page = client.get(older.group(1).replace("&amp;", "&")).text
    assert "note number 69." in page
    assert "note number 20." in page
    assert "note number 70." not in page
    assert "note number 19." not in page
    assert 'hx-trigger="every 5s" hx-include="#timeline-filter"' not in page  # history is not polled
    assert "Back to the newest events" in page
    oldest = re.search(r'href="(/incidents/\d+\?before=\d+)#timeline-panel"', page)
    assert oldest is not None
    last = client.get(oldest.group(1).replace("&amp;", "&")).text
    assert "note number 19." in last
    assert "Incident declared" in last  # the oldest event, on the last page

    fragment = client.get(f"/incidents/{p1.id}/timeline").text
    assert fragment.count('class="ev ev-') == 50

    newest = [e.id for e in get_timeline(services, p1.id, by=Actor("rita", Role.ADMIN))][-3]
    since = client.get(f"/incidents/{p1.id}/timeline?since={newest}").text
    assert since.count('class="ev ev-') == 2  # only what came after that event, for appending
    assert "note number 119." in since


def test_the_list_searches_filters_and_pages(client, as_role, services, responder):
    for n in range(30):
        declare_incident(services, title=f"Incident {n}", severity=Severity.P3, by=responder)
    declare_incident(services, title="Disk 100% on db-1", severity=Severity.P2, by=responder)
    as_role(Role.VIEWER)
    assert "Disk 100% on db-1" in client.get("/incidents?q=100%25").text
    assert "Incident 3" not in client.get("/incidents?q=100%25").text
    assert "Incident 0" in client.get("/incidents?q=%231").text
    assert "Page 1 of 2" in client.get("/incidents?severity=P3").text
    assert "Page 2 of 2" in client.get("/incidents?severity=P3&page=2").text
    assert "No incident matches" in client.get("/incidents?state=closed").text


def test_the_plan_page_shows_the_plan_and_hides_the_database_password(client, as_role, container):
    as_role(Role.VIEWER)
    page = client.get("/plan").text
    assert "Service down pour tous" in page
    assert "CNIL" in page
    assert "&lt; 15 min" in page  # as the plan writes it
    assert "within 48 h" in page  # not "2d 00h"
    # the plan document itself, word for word, rendered (tables, the report template as code)
    assert "Rollback si déploiement récent" in page
    assert "<td>Service down pour tous</td>" in page
    assert "# Incident Report - [YYYY-MM-DD]" in page
    if container.settings.database.url.startswith("postgresql"):
        assert container.engine.url.password is None or str(container.engine.url.password) not in page


def test_the_on_call_page_lists_the_escalation_targets(client, as_role):
    as_role(Role.VIEWER)
    page = client.get("/on-call").text
    assert "Lead Engineer" in page
    assert "Astreinte SRE" in page or "SRE" in page


def test_an_admin_retries_a_dead_job(client, as_role, container, p1):
    import sqlalchemy as sa

    from tocsin.adapters.db.schema import jobs

    with container.engine.begin() as conn:
        job_id = conn.execute(sa.select(sa.func.min(jobs.c.id))).scalar_one()
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(status="dead", last_error="boom"))
    token = as_role(Role.ADMIN)
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    assert "boom" in page.text
    response = client.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert container.jobs.get(job_id).status == "pending"
    assert client.get("/admin/jobs?status=all").status_code == 200


def test_escalate_now_pages_the_next_step_and_says_so(client, as_role, services, admin, p1):
    token = as_role(Role.RESPONDER)
    before = [e.kind.value for e in get_timeline(services, p1.id, by=admin)].count("escalated")
    response = client.post(f"/incidents/{p1.id}/escalate", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    after = [e for e in get_timeline(services, p1.id, by=admin) if e.kind.value == "escalated"]
    assert len(after) == before + 1
    assert after[-1].actor == "responder@example.org"
    assert "Escalated" in flash(client)


def test_ticking_the_checklist_from_the_room(client, as_role, services, responder, admin):
    incident = declare_incident(services, title="API down", severity=Severity.P1, by=responder)
    token = as_role(Role.RESPONDER)
    room = client.get(f"/incidents/{incident.id}").text
    assert 'action="/incidents/1/checklist/3.2.1"' in room
    assert "0/9" in room  # Phase 3's nine lines, none ticked
    response = client.post(
        f"/incidents/{incident.id}/checklist/3.2.1",
        data={"csrf_token": token, "done": "1", "note": "rolled back to v1.4.1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert flash(client) == "Checked 3.2.1"
    room = client.get(f"/incidents/{incident.id}").text
    assert "1/9" in room
    assert "rolled back to v1.4.1" in room
    texts = [e.text for e in get_timeline(services, incident.id, by=admin)]
    assert "Checked 3.2.1: Rollback si déploiement récent — rolled back to v1.4.1" in texts


def test_a_bad_query_value_is_named_on_the_error_page(client, as_role):
    as_role(Role.VIEWER)
    page = client.get("/incidents?page=-1")
    assert page.status_code == 422
    assert "page (query): Input should be greater than or equal to 1." in page.text
    assert "Some of the values sent were not understood" not in page.text
