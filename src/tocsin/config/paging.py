"""The settings' view of paging: the directory, policies and rules the services use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tocsin.config.escalation import policies
from tocsin.domain import contacts
from tocsin.domain.notification import Directory, Person
from tocsin.services.paging.ports import Paging

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
        person_rules=person_rules(settings),
        contacts=contact_methods(settings),
    )


def person_rules(settings: Settings) -> dict[str, contacts.PersonRule]:
    """Each person's rule (theirs or the default) and quiet hours in their time zone."""
    result: dict[str, contacts.PersonRule] = {}
    for ident, person in settings.people.items():
        rule = (
            tuple(entry.to_domain() for entry in person.rules)
            if person.rules is not None
            else contacts.DEFAULT_RULE
        )
        quiet = person.quiet_hours
        hours = contacts.QuietHours(quiet.start, quiet.end, person.timezone) if quiet else None
        result[ident] = contacts.PersonRule(rule, hours)
    return result


def contact_methods(settings: Settings) -> tuple[contacts.ContactMethod, ...]:
    """The methods written under ``people.<id>.contact``."""
    return tuple(
        contacts.ContactMethod(
            ident,
            channel,
            address,
            contacts.ATTESTED if person.contact.verified else None,
            source="config",
        )
        for ident, person in settings.people.items()
        for channel, address in person.contact.methods()
    )
