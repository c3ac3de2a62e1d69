"""Outbound outages: the mail server, Slack and GitHub each unreachable for 20 minutes (longer
than the ~8-15 min that eight backed-off attempts used to cover) while incidents open and
change. After recovery every notification arrives exactly once, nothing is dead-lettered, and
nothing is marked as a possible repeat (a refused connection reached nobody). The deployment's
own retry policy (``worker.max_attempts`` 8, ``worker.delivery_retry_seconds`` 1 h), both
databases, real servers on 127.0.0.1 (the fakes reached through a proxy that is cut)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

from structlog.testing import capture_logs

from tests.github_fake import TOKEN
from tests.paging_plan import drain, plan
from tests.slack_fake import slack_plan
from tests.tcp_proxy import TcpProxy
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.events import JobKind
from tocsin.domain.incident import Incident
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

RITA = Actor("Rita", Role.RESPONDER)
OUTAGE = timedelta(minutes=20)


def ride_out(container, clock, step=timedelta(minutes=2)):
    """The worker keeps polling through the outage (a pass every two simulated minutes). The
    failures' logs are captured, not rendered (a traceback each)."""
    with capture_logs() as logs:
        for _ in range(int(OUTAGE / step)):
            drain(container)
            clock.advance(step)
    assert "job.failed" in {e["event"] for e in logs}
    assert "job.dead" not in {e["event"] for e in logs}


def recover(container, clock):
    """After the outage: run until every retry has had its turn (the longest backoff)."""
    with capture_logs():
        for _ in range(3):
            clock.advance(timedelta(minutes=10))
            drain(container)


def assert_nothing_dead_or_pending(container):
    statuses = Counter(j.status for j in container.jobs.list(limit=500) if j.kind is not JobKind.ACK_DEADLINE)
    assert set(statuses) <= {"done", "cancelled"}, statuses


def proxied(server_url: str) -> TcpProxy:
    url = urlsplit(server_url)
    return TcpProxy((url.hostname or "127.0.0.1", url.port or 80)).start()


def acknowledged_through_an_outage(values, clock, proxy: TcpProxy) -> Incident:
    """The outage scenario of one integration reached through ``proxy``: a P1 declared while
    the proxy is cut, acknowledged five minutes later, the outage ridden out, the proxy restored
    and every retry run; then nothing is dead or pending. The proxy is stopped after."""
    container = bootstrap.build(Settings.model_validate(values), clock=clock)
    try:
        proxy.cut()
        incident = incidents.declare_incident(
            container.services, title="API down", severity=Severity.P1, by=RITA
        )
        drain(container)
        clock.advance(timedelta(minutes=5))
        incidents.acknowledge_incident(container.services, incident.id, by=RITA)
        ride_out(container, clock)
        proxy.restore()
        recover(container, clock)
        assert_nothing_dead_or_pending(container)
    finally:
        container.close()
        proxy.stop()
    return incident


def test_the_mail_server_down_for_20_minutes(db_url, sink, clock):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    values = plan(db_url, email=smtp)
    values["worker"] = {}  # the deployment defaults
    container = bootstrap.build(Settings.model_validate(values), clock=clock)
    try:
        sink.stop()
        incident = incidents.declare_incident(
            container.services, title="API down", severity=Severity.P0, by=RITA
        )
        ride_out(container, clock)
        incidents.acknowledge_incident(container.services, incident.id, by=RITA)  # FYIs, still down
        drain(container)
        sink.start()
        recover(container, clock)
        assert_nothing_dead_or_pending(container)
    finally:
        container.close()
    keys = Counter(str(m["X-Tocsin-Delivery"]) for m in sink.messages)
    assert len(keys) >= 4  # the lead engineer and the CTO: paged, then told of the ack
    assert set(keys.values()) == {1}
    assert not any(m["X-Tocsin-Possible-Repeat"] for m in sink.messages)


def test_slack_unreachable_for_20_minutes(db_url, slack_fake, clock):
    proxy = proxied(slack_fake.base_url)
    values = slack_plan(db_url, slack_fake, direct_messages=False, channel="C0INCIDENTS")
    values["slack"]["api_url"] = f"http://127.0.0.1:{proxy.port}/api/"
    values["worker"] = {}
    incident = acknowledged_through_an_outage(values, clock, proxy)
    [card] = slack_fake.cards_of(incident.id)
    assert "Acknowledged by Rita" in json.dumps(card["blocks"])  # the update landed on the one card
    replies = [m["text"] for m in slack_fake.replies(card["ts"])]
    assert replies
    assert len(replies) == len(set(replies))  # each change told once in the thread
    assert len(slack_fake.calls_to("chat.postMessage")) == 1 + len(replies)
    assert slack_fake.violations == []


def test_github_unreachable_for_20_minutes(db_url, github_server, clock):
    fake = github_server.reset()
    proxy = proxied(fake.base_url)
    fake.base_url = f"http://127.0.0.1:{proxy.port}"  # the address its requests are checked against
    values = {
        "database": {"url": db_url},
        "github": {"repository": "acme/shop", "token": TOKEN, "api_url": fake.base_url},
    }
    acknowledged_through_an_outage(values, clock, proxy)
    assert len(fake.issues) == 1
    [bodies] = fake.comments.values()
    assert len(bodies) == len(set(bodies))
    assert any("cknowledged" in b for b in bodies)
    assert fake.errors == []
