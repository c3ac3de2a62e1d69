"""The status page's pure rules: the plan's template, severity defaults, the page roll-up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tocsin.domain.errors import InvalidTransition
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import (
    ComponentStatus,
    PublicUpdate,
    UpdateStatus,
    draft,
    post,
    rollup,
    target_statuses,
)

T = datetime(2025, 11, 10, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "body", "line"),
    [
        (
            UpdateStatus.INVESTIGATING,
            "We are currently investigating issues with login functionality.",
            "🔴 **Investigating** - We are currently investigating issues with login functionality.",
        ),
        (UpdateStatus.IDENTIFIED, "x", "🟡 **Identified** - x"),
        (UpdateStatus.MONITORING, "x", "🔵 **Monitoring** - x"),
        (UpdateStatus.RESOLVED, "x", "🟢 **Resolved** - x"),
    ],
)
def test_updates_render_as_the_plan_template(status, body, line):
    assert PublicUpdate("u", status, body, T).render() == f"{line}\nPosted: 2025-11-10 14:30 UTC"


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.P0, ComponentStatus.MAJOR_OUTAGE),
        (Severity.P1, ComponentStatus.PARTIAL_OUTAGE),
        (Severity.P2, ComponentStatus.DEGRADED_PERFORMANCE),
    ],
)
def test_severity_sets_the_component_status(severity, expected):
    assert target_statuses(UpdateStatus.INVESTIGATING, severity, ["api"], {}) == {"api": expected}


def test_override_wins_and_resolved_means_operational():
    overridden = target_statuses(
        UpdateStatus.IDENTIFIED, Severity.P0, ["api", "web"], {"web": ComponentStatus.DEGRADED_PERFORMANCE}
    )
    assert overridden == {"api": ComponentStatus.MAJOR_OUTAGE, "web": ComponentStatus.DEGRADED_PERFORMANCE}
    assert target_statuses(UpdateStatus.RESOLVED, Severity.P0, ["api"], {}) == {
        "api": ComponentStatus.OPERATIONAL
    }


def test_draft_uses_only_public_facts():
    public = draft("p" * 12, incident_id=7, severity=Severity.P1, component_names=["Login"], at=T)
    assert public.name == "Partial outage: Login"
    assert public.impact == "major"
    assert public.draft_body == "We are currently investigating issues with Login."
    assert not public.published


def test_posting_records_first_post_and_refuses_after_resolution():
    public = draft("p" * 12, incident_id=7, severity=Severity.P0, component_names=[], at=T)
    posted = post(public, "u1", status=UpdateStatus.INVESTIGATING, body=" Down. ", changes=[], at=T)
    assert posted.first_posted_at == T
    assert posted.updates[0].body == "Down."
    done = post(posted, "u2", status=UpdateStatus.RESOLVED, body="Up.", changes=[], at=T)
    assert done.resolved_at == T
    assert done.first_posted_at == T
    with pytest.raises(InvalidTransition):
        post(done, "u3", status=UpdateStatus.MONITORING, body="x", changes=[], at=T)


@pytest.mark.parametrize(
    ("components", "impacts", "indicator"),
    [
        ([], [], "none"),
        ([ComponentStatus.OPERATIONAL], ["minor"], "minor"),
        ([ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.DEGRADED_PERFORMANCE], [], "major"),
        ([ComponentStatus.OPERATIONAL], ["critical"], "critical"),
        ([ComponentStatus.UNDER_MAINTENANCE], [], "maintenance"),
    ],
)
def test_rollup(components, impacts, indicator):
    assert rollup(components, impacts).indicator == indicator
