"""Everything a change to an incident implies beyond its own rows, in one list.

``services.incidents.persist`` calls ``react`` for every change it writes, whatever wrote it
(a responder's command, an alert, a timer, a flag), inside the same unit of work. A feature
that must follow incidents (escalation today; Slack, GitHub and the status page next) adds its
hook to ``REACTIONS`` once and sees every path.
"""

from __future__ import annotations

from collections.abc import Callable

from tocsin.domain.events import Change
from tocsin.services import deploys, escalation, github, postmortem, slack, slack_channels, statuspage
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork

Reaction = Callable[[Services, UnitOfWork, Change], None]

REACTIONS: tuple[Reaction, ...] = (
    escalation.react,  # opening freezes the policy and runs step 1; ack/resolve stop; severity re-plans
    slack.react,  # announce in the Slack channel once, then update the card and post to its thread
    slack_channels.react,  # P0/P1: the incident's own channel, created once, archived when closed
    statuspage.react,  # P0/P1: draft the public update, arm the > 1 h customer email; resolution email
    deploys.react,  # an opening looks for production deploys just before it (a job, after commit)
    postmortem.react,  # a P0/P1 resolution opens its post-mortem (due + 48 h) and arms the reminders
    github.react,  # open the incident's issue once, then sync body/labels/state and batch comments
)


def react(svc: Services, uow: UnitOfWork, change: Change) -> None:
    for reaction in REACTIONS:
        reaction(svc, uow, change)
