"""Drills in the domain: the [DRILL] mark, the declared drill, its pages' subject, the status
page's refusal and the report's heading."""

from __future__ import annotations

from datetime import UTC

import pytest

from tests.domain.conftest import T0
from tocsin.adapters.channels.templates import render_html, render_text
from tocsin.domain import drill, incident_report
from tocsin.domain import incident as domain
from tocsin.domain.errors import Conflict
from tocsin.domain.incident import IncidentId
from tocsin.domain.notification import Event, Person, Purpose, Trigger, for_people
from tocsin.domain.severity import Severity


def declared(plan, *, is_drill: bool) -> domain.Incident:
    change = domain.declare(
        IncidentId(7),
        title="API P99 > 5s",
        severity=Severity.P1,
        drill=is_drill,
        at=T0,
        by="drill",
        plan=plan,
    )
    return change.incident


def test_mark_prefixes_a_drill_once_and_leaves_the_rest_alone():
    assert drill.mark("API slow", True) == "[DRILL] API slow"
    assert drill.mark("[DRILL] API slow", True) == "[DRILL] API slow"
    assert drill.mark("API slow", False) == "API slow"


def test_a_declared_drill_says_so_on_its_first_line(plan):
    change = domain.declare(
        IncidentId(7), title="API P99 > 5s", severity=Severity.P1, drill=True, at=T0, by="drill", plan=plan
    )
    assert change.incident.drill
    (event,) = change.events
    assert event.text.startswith("[DRILL] Incident declared: P1")
    assert event.data["drill"] is True
    assert drill.title(change.incident) == "[DRILL] API P99 > 5s"
    assert not declared(plan, is_drill=False).drill
    assert drill.title(declared(plan, is_drill=False)) == "API P99 > 5s"


def test_the_status_page_refuses_only_drills(plan):
    with pytest.raises(Conflict, match="incident #7 is a drill: the public status page never publishes"):
        drill.refuse_public(declared(plan, is_drill=True))
    drill.refuse_public(declared(plan, is_drill=False))  # a real incident goes through


@pytest.mark.parametrize("is_drill", [True, False])
def test_a_drill_page_says_drill_first_in_subject_and_bodies(is_drill):
    event = Event(7, "P1", "API P99 > 5s", "detection", Trigger.OPENED, "step 1", T0, 1, drill=is_drill)
    (page,) = for_people(event, Purpose.PAGE, [(Person("ana", "Ana", "ana@example.org"), "sre")], ["email"])
    assert page.subject.startswith("[DRILL] [PAGE] [P1] #7") is is_drill
    assert ("DRILL: an exercise" in render_text(page)) is is_drill
    assert ("[DRILL] [P1] #7" in render_html(page)) is is_drill


def test_the_report_heading_names_the_drill(plan):
    report = incident_report.render(declared(plan, is_drill=True), None, [], UTC)
    assert report.splitlines()[0] == f"# Incident Report - {T0:%Y-%m-%d} [DRILL]"
    real = incident_report.render(declared(plan, is_drill=False), None, [], UTC)
    assert real.splitlines()[0] == f"# Incident Report - {T0:%Y-%m-%d}"
