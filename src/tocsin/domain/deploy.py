"""Deploys and incidents (the plan's "Rollback si déploiement récent" and "Fix permanent:
déployer hotfix, tester en staging first, déployer en production"). Pure.

A production deploy of an affected service shortly before detection is a **suspect**: the room
shows "Deploy v1.4.2 of api 12 min before detection — consider rollback". Deploys of an
affected service while the incident is open are its fix trail: staging ticks "Tester en staging
first", production ticks "Déployer hotfix" and "Déployer en production", with their times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

PRODUCTION = frozenset({"production", "prod", "prd", "live"})
STAGING = frozenset({"staging", "stage", "preprod", "pre-production", "qa", "uat"})
SUCCESS = "success"
DEFAULT_WINDOW = timedelta(minutes=60)
LABELS = ("service", "component", "app", "job", "container")


@dataclass(frozen=True, slots=True)
class Deploy:
    source: str
    service: str
    version: str
    environment: str
    deployed_at: datetime
    received_at: datetime
    url: str = ""
    author: str = ""
    status: str = SUCCESS
    external_id: str = ""
    id: int | None = None

    @property
    def production(self) -> bool:
        return self.environment.lower() in PRODUCTION

    @property
    def staging(self) -> bool:
        return self.environment.lower() in STAGING

    @property
    def succeeded(self) -> bool:
        return self.status.lower() == SUCCESS


def affected(label_sets: Iterable[Mapping[str, str]], components: Iterable[str] = ()) -> frozenset[str]:
    """The services an incident touches: its alerts' service/component/app/job/container labels
    and the components triage named."""
    names = {labels[key] for labels in label_sets for key in LABELS if labels.get(key)}
    return frozenset(names | {c for c in components if c})


def suspects(
    deploys: Iterable[Deploy],
    services: frozenset[str],
    detected_at: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> list[Deploy]:
    """Successful production deploys of an affected service within ``window`` before detection,
    the latest first."""
    found = [
        d
        for d in deploys
        if d.production
        and d.succeeded
        and d.service in services
        and detected_at - window <= d.deployed_at <= detected_at
    ]
    return sorted(found, key=lambda d: d.deployed_at, reverse=True)


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return "less than a minute" if minutes < 1 else f"{minutes} min"


def banner(deploy: Deploy, detected_at: datetime) -> str:
    before = _minutes(detected_at - deploy.deployed_at)
    return f"Deploy {deploy.version} of {deploy.service} {before} before detection — consider rollback"


def fix_environment(deploy: Deploy, services: frozenset[str], detected_at: datetime) -> str | None:
    """``staging`` or ``production`` when the deploy is part of the incident's fix trail (a
    successful deploy of an affected service after detection); ``None`` otherwise."""
    if not deploy.succeeded or deploy.service not in services or deploy.deployed_at < detected_at:
        return None
    if deploy.staging:
        return "staging"
    return "production" if deploy.production else None
