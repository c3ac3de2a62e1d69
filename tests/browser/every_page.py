"""One tocsin with something on every page, for the page-by-page browser checks (accessibility
audit, screenshots): open, acknowledged, resolved and closed incidents, a security incident with
its procedure, isolation action, breach and evidence, alerts, status page updates, a
post-mortem, on-call people. ``PAGES``: every page a person opens, by a short name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import PASSWORD, LiveServer, serve
from tocsin.domain.access import SYSTEM, Actor, Role
from tocsin.domain.breach import Assessment, Risk
from tocsin.domain.incident import IncidentId
from tocsin.domain.security_steps import StepState
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.access.users import create_user
from tocsin.services.incidents import incidents
from tocsin.services.paging import profile
from tocsin.services.security import breaches, evidence
from tocsin.services.security import procedure as security_procedure
from tocsin.services.statuspage import statuspage

ADMIN = "admin@example.org"
CAMILLE = Actor("camille.martin-dupont@koprogo.example.org", Role.RESPONDER)  # a long name in a table
TOKEN = "every-page-alertmanager-token"
WAF = "http://127.0.0.1:9"  # never called: the pages only show the request
EXTRA: dict[str, Any] = {
    "people": {
        "sofia": {"name": "Sofia Lambert", "email": "sofia@example.org", "timezone": "Europe/Brussels"},
        "theo": {"name": "Théo Dubois", "email": "theo@example.org", "timezone": "Europe/Paris"},
        "ines": {"name": "Inès Moreau", "email": "ines@example.org", "timezone": "Europe/Paris"},
        "ada": {  # the admin who signs in: her /profile has methods in every state
            "name": "Ada Admin",
            "email": ADMIN,
            "timezone": "Europe/Brussels",
            "contact": {"push": "ada-pager", "sms": "+32470000002", "verified": True},
            "quiet_hours": {"start": "22:00", "end": "07:00"},
        },
    },
    "roles": {"lead_engineer": {"name": "Lead Engineer", "members": ["theo"]}},
    "teams": {"dev": {"name": "Équipe dev", "members": ["theo", "ines"]}},
    "schedules": {
        "sre_oncall": {
            "name": "Astreinte SRE",
            "timezone": "Europe/Brussels",
            "rotation": "weekly",
            "participants": ["sofia", "theo"],
        }
    },
    "gdpr": {"dpo": "ines"},
    "sources": {"prometheus": {"kind": "alertmanager", "token": TOKEN}},
    "statuspage": {
        "name": "KoproGo Status",
        "components": {
            "api": {"name": "API", "group": "Application", "description": "The KoproGo REST API"},
            "login": {"name": "Login", "group": "Application"},
            "payments": {"name": "Payments"},
            "database": {"name": "Database", "public": False},
        },
    },
    "security": {
        "breach": {"controller": "Koprogo SRL"},
        "isolation": {
            "actions": {
                "block_ip_range": {
                    "label": "Block IP range",
                    "description": "A WAF rule that drops traffic from one range.",
                    "params": {
                        "cidr": {"pattern": r"[0-9./]+", "label": "CIDR", "example": "203.0.113.0/24"}
                    },
                    "method": "POST",
                    "url": f"{WAF}/rules",
                    "body": {"cidr": "{params.cidr}"},
                    "timeout": "1s",
                    "undo": {"method": "DELETE", "url": WAF + "/rules/{params.cidr}"},
                }
            }
        },
    },
}


@dataclass(frozen=True)
class Site:
    server: LiveServer
    pages: dict[str, str]  # name -> path (signed-in pages and public ones)

    @property
    def url(self) -> str:
        return self.server.url


def _alerts(base: str) -> None:
    body = {
        "version": "4",
        "status": "firing",
        "receiver": "tocsin",
        "groupKey": '{}:{alertname="HighLatency"}',
        "commonLabels": {"alertname": "HighLatency"},
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "HighLatency",
                    "severity": "warning",
                    "service": "api",
                    "instance": "web-3",
                },
                "annotations": {"summary": "p99 latency above 2 s on web-3"},
                "startsAt": "2026-01-01T10:00:00Z",
                "fingerprint": "a1b2c3",
            }
        ],
    }
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(f"{base}/hooks/alertmanager/prometheus", json=body, headers=headers, timeout=10)
    response.raise_for_status()


def _security_incident(server: LiveServer, sam: Actor) -> int:
    svc = server.container.services
    sec = incidents.declare_incident(
        svc, title="Customer table dumped", severity=Severity.P0, security=True, by=sam
    )
    sid = IncidentId(sec.id)
    security_procedure.update_step(
        svc, sid, 1, state=StepState.IN_PROGRESS, owner="Sam", note="WAF rule on 203.0.113.0/24", by=sam
    )
    breaches.assess_breach(
        svc,
        sid,
        Assessment(
            data_categories=("email addresses", "password hashes"),
            subject_categories=("customers",),
            subjects_approx=1200,
            consequences="Phishing of customers.",
            measures="Passwords reset; export endpoint closed.",
            risk=Risk.HIGH,
            rationale="Hashes with emails: account takeover is likely.",
        ),
        by=sam,
    )
    evidence.add_reference(svc, sid, "snap-0abc1234def", label="EBS snapshot of db-1", by=sam)
    return int(sec.id)


def seed(server: LiveServer) -> dict[str, str]:
    c = server.container
    svc = c.services
    create_user(
        svc, c.passwords, email=ADMIN, role=Role.ADMIN, password=PASSWORD, name="Ada Admin", by=SYSTEM
    )
    rita = Actor("responder@example.org", Role.RESPONDER)
    sam = Actor(ADMIN, Role.ADMIN)
    _alerts(server.url)  # a P2 opened by Alertmanager, with its alert in the room
    p1 = incidents.declare_incident(
        svc,
        title="Login fails for all users",
        severity=Severity.P1,
        summary="500 on /login since 14:28.",
        by=rita,
    )
    pid = IncidentId(p1.id)
    incidents.acknowledge_incident(svc, pid, by=CAMILLE)
    statuspage.post_status_update(svc, pid, status=UpdateStatus.INVESTIGATING, components=["login"], by=rita)
    incidents.add_note(svc, pid, text="Pool exhausted on db-1; raising it.", by=rita)
    incidents.declare_incident(svc, title="Payments slow at checkout", severity=Severity.P0, by=rita)
    done = incidents.declare_incident(svc, title="Search index stale", severity=Severity.P1, by=rita)
    did = IncidentId(done.id)
    incidents.acknowledge_incident(svc, did, by=rita)
    incidents.resolve_incident(svc, did, summary="Reindexed.", by=rita)
    sec = _security_incident(server, sam)
    profile.add(svc, svc.paging.directory.people["ada"], "voice", "+32470000003")  # not verified yet
    public = statuspage.public_status(svc, pid, by=rita)
    assert public is not None
    return {
        "dashboard": "/",
        "incidents": "/incidents",
        "declare": "/incidents/new",
        "room": f"/incidents/{p1.id}",
        "room-resolved": f"/incidents/{done.id}",
        "room-security": f"/incidents/{sec}",
        "isolation-confirm": f"/incidents/{sec}/isolation/block_ip_range/confirm?param.cidr=203.0.113.0/24",
        "breach": f"/incidents/{sec}/breach",
        "postmortem": f"/incidents/{done.id}/postmortem",
        "reports": "/reports",
        "plan": "/plan",
        "oncall": "/on-call",
        "jobs": "/admin/jobs",
        "breaches": "/breaches",
        "status": "/status/",
        "status-history": "/status/history",
        "status-incident": f"/status/incidents/{public.id}",
        "status-confirm": "/status/subscribe/confirm?token=abc",
        "profile": "/profile",
    }


def every_page(tmp: Path) -> Iterator[Site]:
    extra = {**EXTRA, "security": {**EXTRA["security"], "evidence": {"dir": str(tmp / "locker")}}}
    for server in serve(tmp, extra):
        yield Site(server, seed(server))
