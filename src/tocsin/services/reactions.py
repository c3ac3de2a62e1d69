"""Everything a change to an incident implies beyond its own rows, in one list.

``services.incidents.incidents.persist`` calls ``follow_up`` (escalation: its lines go into the
change's own timeline insert), then ``react``, once for every change it writes, whatever wrote
it (a responder's command, an alert, a timer, a flag), inside the same unit of work. A feature
that must follow incidents adds its hook to ``REACTIONS`` once and sees every path.

Most hooks are pure: ``Change`` → the jobs it implies (``Jobs``: they read the configuration,
never the database; ``jobs_for`` gives them all, for a test). The others need the database
(escalation's state, the post-mortem, the deploys seen before an opening).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from tocsin.domain.events import Change, JobRequest, TimelineEvent
from tocsin.services.github import github
from tocsin.services.github.context import GitHubContext
from tocsin.services.incidents import deploys, postmortem
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.paging import escalation
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork
from tocsin.services.slack import channels as slack_channels
from tocsin.services.slack import slack
from tocsin.services.slack.context import SlackJobContext
from tocsin.services.statuspage import statuspage
from tocsin.services.statuspage.context import StatusPageContext


class ReactionsContext(
    SlackJobContext, GitHubContext, StatusPageContext, PagingContext, IncidentsContext, Protocol
):
    """What the reactions read between them: every feature that follows incidents."""


Reaction = Callable[[ReactionsContext, UnitOfWork, Change], None]
Jobs = Callable[[ReactionsContext, Change, datetime], Sequence[JobRequest]]
"""A pure reaction: the jobs a change implies, given the configuration and the time."""


def _enqueued(jobs: Jobs) -> Reaction:
    def reaction(svc: ReactionsContext, uow: UnitOfWork, change: Change) -> None:
        found = jobs(svc, change, svc.clock.now())
        if found:
            uow.jobs.enqueue(found)

    return reaction


PURE: tuple[Jobs, ...] = (slack.jobs, slack_channels.jobs, github.jobs)


def follow_up(svc: ReactionsContext, uow: UnitOfWork, change: Change) -> list[TimelineEvent]:
    """The reactions whose timeline lines belong right after the change's own (``persist``
    writes both in one insert), run before the others: escalation — opening freezes the
    policy and runs step 1; ack/resolve stop it; a severity change re-plans."""
    return escalation.react(svc, uow, change)


REACTIONS: tuple[Reaction, ...] = (
    _enqueued(slack.jobs),  # announce in the Slack channel once, then update the card and post to its thread
    _enqueued(slack_channels.jobs),  # P0/P1: the incident's own channel, created once, archived when closed
    statuspage.react,  # P0/P1: draft the public update, arm the > 1 h customer email; resolution email
    deploys.react,  # an opening looks for production deploys just before it (a job, after commit)
    postmortem.react,  # a P0/P1 resolution opens its post-mortem (due + 48 h) and arms the reminders
    _enqueued(github.jobs),  # open the incident's issue once, then sync body/labels/state and batch comments
)


def jobs_for(svc: ReactionsContext, change: Change, at: datetime) -> list[JobRequest]:
    """The jobs the pure reactions derive from ``change`` (nothing written)."""
    return [job for jobs in PURE for job in jobs(svc, change, at)]


def react(svc: ReactionsContext, uow: UnitOfWork, change: Change) -> None:
    for reaction in REACTIONS:
        reaction(svc, uow, change)
