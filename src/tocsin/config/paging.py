"""The settings' view of paging: the directory, policies and rules the services use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tocsin.config.escalation import policies
from tocsin.domain.notification import Directory, Person
from tocsin.services.paging import Paging

if TYPE_CHECKING:
    from tocsin.config.schema import Settings


def directory(settings: Settings) -> Directory:
    people = {
        ident: Person(ident, p.name, p.email, p.slack_user_id, p.timezone)
        for ident, p in settings.people.items()
    }
    groups = {f"role:{ident}": tuple(role.members) for ident, role in settings.roles.items()}
    groups |= {f"team:{ident}": tuple(team.members) for ident, team in settings.teams.items()}
    schedules = {ident: schedule.to_domain(ident) for ident, schedule in settings.schedules.items()}
    names = {f"role:{ident}": role.name for ident, role in settings.roles.items()}
    names |= {f"team:{ident}": team.name for ident, team in settings.teams.items()}
    names |= {f"schedule:{ident}": schedule.name for ident, schedule in settings.schedules.items()}
    return Directory(people=people, groups=groups, schedules=schedules, names=names)


def paging(settings: Settings) -> Paging:
    """Everything but the channels, which the composition root adds (they are adapters)."""
    notifications = settings.notifications
    return Paging(
        directory=directory(settings),
        policies=policies(settings),
        rules={severity: rule.to_domain() for severity, rule in notifications.rules.items()},
        person_channels=notifications.person_channels(),
        webhooks={name: hook.triggers() for name, hook in notifications.webhooks.items()},
        base_url=settings.server.base_url,
    )
