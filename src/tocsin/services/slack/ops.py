"""Chat-ops: what a Slack button press or ``/incident`` command does, as the person behind it.

Both call the same services as the web UI, the REST API and the CLI, with an ``Actor`` named
after the tocsin person mapped to the Slack user (``people[].slack_user_id``), so the timeline
records who acted. An unmapped Slack user acts on nothing and is told why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tocsin.domain import drill, markup
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import DomainError, InvalidInput
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.incident import IncidentId
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.context import Services
from tocsin.services.incidents import checklist, incidents
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.paging import escalation, oncall
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import IncidentFilter
from tocsin.services.slack.context import SlackOpsContext
from tocsin.services.slack.ports import Slack
from tocsin.services.statuspage import statuspage
from tocsin.services.statuspage.context import StatusPageContext

ACK = "incident_ack"
ESCALATE = "incident_escalate"
SEVERITY = "incident_severity"
RESOLVE = "incident_resolve"

HELP = """*/incident* commands:
• `/incident declare [--security] <title> [P0-P3]` — open one (P2 unless given; --security: restricted)
• `/incident ack [id]` — acknowledge (the only unacknowledged one when no id)
• `/incident sev <id> <P0-P3> <why>` — change severity, with the reason
• `/incident status <id> <investigating|identified|monitoring|resolved> <message>` — public update
• `/incident note <id> [root_cause|mitigation|hypothesis|observation|decision:] <text>` — add a (typed) note
• `/incident check <id> <item> [what was done]` / `uncheck <id> <item>` — tick the plan's checklist (3.2.1 …)
• `/incident resolve <id>` — resolve
• `/incident close <id>` — close (P0/P1: once the post-mortem is complete)
• `/incident oncall` — who is on call now
• `/incident help` — this list"""


def unmapped(user_id: str) -> str:
    return (
        f"Your Slack account ({user_id}) is not linked to a tocsin person, so tocsin did nothing. "
        "Ask an admin to add `slack_user_id: " + user_id + "` to your entry under `people:` in tocsin.yaml."
    )


def actor_for(slack: Slack, user_id: str) -> Actor | None:
    """The tocsin person behind a Slack user, acting as a responder; None when unmapped."""
    member = slack.members.get(user_id)
    return Actor(name=member.name, role=Role.RESPONDER) if member is not None else None


def parse_id(text: str) -> IncidentId:
    """``12``, ``#12`` or ``INC-12``."""
    digits = text.strip().upper().removeprefix("INC-").removeprefix("#")
    if not digits.isdigit():
        raise InvalidInput(f"not an incident id: {text!r} (try 12 or #12)")
    return IncidentId(int(digits))


def press(svc: PagingContext, by: Actor, action_id: str, value: str) -> str:
    """Run one button or select action; returns what happened, for the record."""
    if action_id == SEVERITY:
        incident_id_text, _, severity = value.partition(":")
        incident = incidents.update_incident(
            svc,
            parse_id(incident_id_text),
            severity=Severity.parse(severity),
            reason="chosen in the Slack card's menu",
            by=by,
        )
        return f"#{incident.id} is now {incident.severity.value}"
    actions: Mapping[str, Callable[[IncidentId], object]] = {
        ACK: lambda i: incidents.acknowledge_incident(svc, i, by=by),
        ESCALATE: lambda i: escalation.escalate_incident(svc, i, by=by),
        RESOLVE: lambda i: incidents.resolve_incident(svc, i, summary="resolved from Slack", by=by),
    }
    action = actions.get(action_id)
    if action is None:
        raise InvalidInput(f"unknown action {action_id!r}")
    action(parse_id(value))
    return f"{action_id} #{value} done"


def tell(svc: Services, *, channel: str, user: str, text: str, key: str) -> None:
    """Queue an ephemeral message to one user (a job: Slack may be slow or down)."""
    payload = {"channel": channel, "user": user, "text": markup.slack(text)[:3000], "key": key}
    with svc.uow() as uow:
        uow.jobs.enqueue([JobRequest(JobKind.SLACK_EPHEMERAL, svc.clock.now(), payload, f"slack:tell:{key}")])
        uow.commit()


def command(svc: SlackOpsContext, slack: Slack, user_id: str, text: str) -> str:
    """Run ``/incident <text>``; returns the reply (Slack shows it to the caller only), as
    mrkdwn: titles, notes and error messages in it are escaped."""
    return markup.slack(_command(svc, slack, user_id, text))


def _command(svc: SlackOpsContext, slack: Slack, user_id: str, text: str) -> str:
    verb, _, rest = text.strip().partition(" ")
    verb = verb.lower()
    if verb in ("", "help"):
        return HELP
    by = actor_for(slack, user_id)
    if by is None:
        return unmapped(user_id)
    handler = COMMANDS.get(verb)
    if handler is None:
        return f"Unknown command `{verb}`.\n{HELP}"
    try:
        return handler(svc, by, rest.strip())
    except DomainError as exc:
        return f"Nothing done: {exc}"


def _declare(svc: Services, by: Actor, rest: str) -> str:
    words = rest.split()
    security = "--security" in words
    words = [word for word in words if word != "--security"]
    severity = Severity.P2
    if words and words[-1].upper() in Severity.__members__:
        severity = Severity.parse(words.pop())
    title = " ".join(words)
    if not title:
        raise InvalidInput("give a title: `/incident declare <title> [P0-P3]`")
    incident = incidents.declare_incident(
        svc, title=title, severity=severity, source="slack", security=security, by=by
    )
    if incident.security:
        return f"Declared #{incident.id} [{incident.severity.value}], a security incident: details restricted"
    return f"Declared #{incident.id} [{incident.severity.value}] {incident.title}"


def _ack(svc: Services, by: Actor, rest: str) -> str:
    if rest:
        incident_id = parse_id(rest.split(maxsplit=1)[0])
    else:
        page = incidents.list_incidents(svc, IncidentFilter(open=True, limit=100), by=by)
        waiting = [i for i in page.items if i.acknowledged_at is None]
        if len(waiting) != 1:
            count = f"{len(waiting)} incidents await acknowledgement"
            raise InvalidInput(f"{count}: say which (`/incident ack 12`)")
        incident_id = waiting[0].id
    incident = incidents.acknowledge_incident(svc, incident_id, by=by)
    return f"Acknowledged #{incident.id} {drill.title(incident)}"


def _sev(svc: Services, by: Actor, rest: str) -> str:
    parts = rest.split(maxsplit=2)
    if len(parts) != 3:
        raise InvalidInput("usage: `/incident sev <id> <P0-P3> <why>` (the reason goes on the timeline)")
    incident = incidents.update_incident(
        svc, parse_id(parts[0]), severity=Severity.parse(parts[1]), reason=parts[2], by=by
    )
    return f"#{incident.id} is now {incident.severity.value}"


def _resolve(svc: Services, by: Actor, rest: str) -> str:
    ident, _, summary = rest.partition(" ")
    if not ident:
        raise InvalidInput("usage: `/incident resolve <id> [summary]`")
    incident = incidents.resolve_incident(svc, parse_id(ident), summary=summary.strip(), by=by)
    return f"Resolved #{incident.id} {drill.title(incident)}"


def _note(svc: Services, by: Actor, rest: str) -> str:
    """``<id> [kind:] <text>``: ``/incident note 12 root_cause: pool exhausted``."""
    ident, _, text = rest.partition(" ")
    text = text.strip()
    if not ident or not text:
        raise InvalidInput("usage: `/incident note <id> [root_cause:] <text>`")
    first, colon, remainder = text.partition(":")
    kind = None
    if colon and first.strip().lower() in NoteKind.__members__.values():
        kind, text = NoteKind(first.strip().lower()), remainder.strip()
    incident = incidents.add_note(svc, parse_id(ident), text, kind=kind, by=by)
    return f"Noted on #{incident.id}: " + (f"{kind.label}: {text}" if kind else text)


def _check(svc: IncidentsContext, by: Actor, rest: str, *, done: bool = True) -> str:
    parts = rest.split(maxsplit=2)
    if len(parts) < 2:
        raise InvalidInput("usage: `/incident check <id> <item> [what was done]`, item as in 3.2.1")
    note = parts[2] if len(parts) > 2 and done else ""
    checklist.tick_item(svc, parse_id(parts[0]), parts[1], done=done, note=note, by=by)
    line = svc.checklist_items[parts[1].strip()]
    return f"{'Checked' if done else 'Unchecked'} {line.key} on #{parse_id(parts[0])}: {line.text}"


def _uncheck(svc: IncidentsContext, by: Actor, rest: str) -> str:
    return _check(svc, by, rest, done=False)


def _close(svc: Services, by: Actor, rest: str) -> str:
    if not rest:
        raise InvalidInput("usage: `/incident close <id>`")
    incident = incidents.close_incident(svc, parse_id(rest.split(maxsplit=1)[0]), by=by)
    return f"Closed #{incident.id} {drill.title(incident)}"


def _status(svc: StatusPageContext, by: Actor, rest: str) -> str:
    """``<id> <status> <message>``: a public status page update, as the mapped person."""
    ident, _, after = rest.partition(" ")
    word, _, message = after.strip().partition(" ")
    if not ident or not word:
        raise InvalidInput(f"usage: `/incident status <id> <{'|'.join(UpdateStatus)}> <message>`")
    try:
        status = UpdateStatus(word.lower())
    except ValueError:
        raise InvalidInput(f"unknown status {word!r}: use one of {', '.join(UpdateStatus)}") from None
    incident_id = parse_id(ident)
    if not svc.statuspage.enabled:
        return "The public status page is not enabled: nothing was published."
    public = statuspage.post_status_update(
        svc, incident_id, status=status, message=message.strip() or None, by=by
    )
    update = public.updates[-1]
    return f"Posted on the status page for #{incident_id}: {status.icon} *{status.label}* - {update.body}"


def _oncall(svc: PagingContext, by: Actor, _rest: str) -> str:
    _, targets = oncall.who_is_on_call(svc.paging, svc.clock.now(), by=by)
    if not targets:
        return "No escalation policy is configured: nobody is paged."
    lines = [
        f"• {t.name} ({'/'.join(s.value for s in t.severities)}): "
        + (", ".join(p.name for p in t.people) or "nobody")
        for t in targets
    ]
    return "On call now:\n" + "\n".join(lines)


Command = Callable[[SlackOpsContext, Actor, str], str]
COMMANDS: Mapping[str, Command] = {
    "declare": _declare,
    "ack": _ack,
    "sev": _sev,
    "status": _status,
    "resolve": _resolve,
    "note": _note,
    "check": _check,
    "uncheck": _uncheck,
    "close": _close,
    "oncall": _oncall,
}
