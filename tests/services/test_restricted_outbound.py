"""A security incident's words never leave tocsin unless a private destination is configured:
the Slack card says "Restricted incident #N (P1)" with its clock, its thread stays silent, the
GitHub issue carries only the restricted view, the pages (console here) only its number; with
``security.slack_channel`` / ``security.github_repository`` the details go there and only there.
Checked on what the fake Slack and the fake GitHub received."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.github_fake import TOKEN
from tests.paging_plan import drain
from tests.slack_fake import FakeSlack, slack_plan
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents

ADA = Actor("Ada", Role.SECURITY)
MARK = "quokka"
PRIVATE = "G0SECURE1"


def build(db_url, clock, slack_fake: FakeSlack, github_fake, **security) -> bootstrap.Container:
    config = slack_plan(db_url, slack_fake, direct_messages=False)
    config["github"] = {"repository": "acme/shop", "token": TOKEN, "api_url": github_fake.base_url}
    config["security"] = security
    return bootstrap.build(Settings.model_validate(config), clock=clock)


def sent_to_slack(fake: FakeSlack) -> str:
    return json.dumps([call.params for call in fake.calls]).lower()


def sent_to_github(fake) -> str:
    return json.dumps(fake.log).lower()


def work_on(services, iid) -> None:
    incidents.acknowledge_incident(services, iid, by=ADA)
    incidents.add_note(services, iid, "Quokka note: keys rotated", by=ADA)


def test_without_private_destinations_slack_github_and_pages_hear_only_the_restricted_view(
    db_url, clock, slack_fake, github_fake, capsys
):
    container = build(db_url, clock, slack_fake, github_fake)
    try:
        services = container.services
        secret = incidents.declare_incident(
            services, title="Quokka exfiltration", severity=Severity.P1, security=True, by=ADA
        )
        drain(container)
        work_on(services, secret.id)
        drain(container)
    finally:
        container.close()
    (card,) = slack_fake.top_level()
    assert card["channel"] != PRIVATE
    assert f"Restricted incident #{secret.id} (P1)" in json.dumps(card["blocks"])
    assert MARK not in sent_to_slack(slack_fake)
    assert slack_fake.calls_to("chat.postMessage")
    assert not [m for m in slack_fake.messages.values() if m.get("thread_ts")]
    (issue,) = github_fake.issues.values()
    assert issue["title"] == f"Restricted incident #{secret.id} (P1)"
    assert "for the security role and admins" in issue["body"]
    assert MARK not in sent_to_github(github_fake)
    assert github_fake.comments == {}
    printed = capsys.readouterr().err.lower()
    assert f"restricted incident #{secret.id}" in printed  # the page went out, without its words
    assert MARK not in printed


def test_private_destinations_get_the_details_and_the_rest_still_nothing(
    db_url, clock, slack_fake, github_fake
):
    container = build(
        db_url, clock, slack_fake, github_fake, slack_channel=PRIVATE, github_repository="acme/security"
    )
    try:
        services = container.services
        secret = incidents.declare_incident(
            services, title="Quokka exfiltration", severity=Severity.P1, security=True, by=ADA
        )
        plain = incidents.declare_incident(services, title="Checkout slow", severity=Severity.P1, by=ADA)
        drain(container)
        work_on(services, secret.id)
        drain(container)
    finally:
        container.close()
    cards = {m["channel"]: json.dumps(m["blocks"]) for m in slack_fake.top_level()}
    assert "Quokka exfiltration" in cards[PRIVATE]
    (public,) = [text for channel, text in cards.items() if channel != PRIVATE]
    assert "Checkout slow" in public
    assert MARK not in public.lower()
    threads = [m for m in slack_fake.messages.values() if m.get("thread_ts")]
    assert threads
    assert all(m["channel"] == PRIVATE for m in threads if MARK in m["text"].lower())
    created = {
        path: data for method, path, data in github_fake.log if method == "POST" and path.endswith("/issues")
    }
    assert created["/repos/acme/security/issues"]["title"] == "[P1] Quokka exfiltration"
    assert MARK not in json.dumps(created["/repos/acme/shop/issues"]).lower()
    assert created["/repos/acme/shop/issues"]["title"] == f"[P1] {plain.title}"


def test_marking_later_redacts_what_was_already_said(db_url, clock, slack_fake, github_fake):
    container = build(db_url, clock, slack_fake, github_fake)
    try:
        services = container.services
        incident = incidents.declare_incident(services, title="Quokka logins", severity=Severity.P1, by=ADA)
        drain(container)
        (card,) = slack_fake.top_level()
        assert "Quokka logins" in json.dumps(card["blocks"])
        flags.mark_security_incident(services, incident.id, reason="credential stuffing", by=ADA)
        clock.advance(timedelta(seconds=11))  # the GitHub sync runs at the end of its batch window
        drain(container)
    finally:
        container.close()
    (card,) = slack_fake.top_level()
    assert MARK not in json.dumps(card["blocks"]).lower()
    (issue,) = github_fake.issues.values()
    assert (issue["title"], MARK in issue["body"].lower()) == (
        f"Restricted incident #{incident.id} (P1)",
        False,
    )
