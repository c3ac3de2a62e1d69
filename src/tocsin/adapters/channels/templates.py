"""The subject, text and HTML bodies of a notification email, in the language of the running
job (``server.language``: the worker runs each job in it); times stay in UTC, as the plan's
templates write them."""

from __future__ import annotations

from html import escape

from tocsin.domain.notification import POSSIBLE_REPEAT, Notification, Purpose
from tocsin.platform.i18n import N_
from tocsin.platform.i18n import gettext as _

_DRILL = "DRILL: an exercise run with `tocsin drill`, not a real outage."

_ASK = {
    Purpose.PAGE: N_("You are paged: please acknowledge the incident."),
    Purpose.FYI: N_("For your information; nothing to do unless you are on it."),
}
_TAG = {Purpose.PAGE: N_("PAGE"), Purpose.FYI: N_("FYI")}
# English keeps the trigger's own value in subjects (mail filters match "— opened", "breach_due")
_TRIGGERS = {
    "opened": N_("opened"),
    "escalated": N_("escalated"),
    "acknowledged": N_("acknowledged"),
    "severity_changed": N_("severity_changed"),
    "resolved": N_("resolved"),
    "reopened": N_("reopened"),
    "postmortem_due": N_("postmortem_due"),
    "breach_due": N_("breach_due"),
}


def trigger_label(notification: Notification) -> str:
    value = notification.trigger.value
    return _(_TRIGGERS.get(value, value))


def render_subject(notification: Notification) -> str:
    tag = _(_TAG.get(notification.purpose, N_("FYI")))
    drill = "[DRILL] " if notification.drill else ""
    if notification.possible_repeat:
        drill = f"{POSSIBLE_REPEAT} {drill}"
    head = f"{drill}[{tag}] [{notification.severity}] #{notification.incident_id} {notification.title}"
    return f"{head} — {trigger_label(notification)}"


def _event_line(notification: Notification) -> str:
    return _("Event: {event} at {at} UTC").format(
        event=trigger_label(notification), at=f"{notification.at:%Y-%m-%d %H:%M}"
    )


def render_text(notification: Notification) -> str:
    drill = "[DRILL] " if notification.drill else ""
    lines = [
        *([_DRILL, ""] if notification.drill else []),
        _(_ASK[notification.purpose]),
        "",
        _("Incident #{id}: {title}").format(
            id=notification.incident_id, title=f"{drill}{notification.title}"
        ),
        _("Severity: {severity}    Phase: {phase}").format(
            severity=notification.severity, phase=notification.phase
        ),
        _event_line(notification),
        "",
        notification.text,
    ]
    lines += _link_lines(notification)
    if notification.via:
        lines += ["", _("You receive this as {via}.").format(via=notification.via)]
    if notification.url:
        lines += ["", notification.url]
    return "\n".join(lines) + "\n"


_LINKS_NOTE = N_("Each link is yours, works once and for 24 hours; it asks before acting.")


def _link_lines(notification: Notification) -> list[str]:
    """The page's own acknowledge and escalate links (``services.paging.page_links``), when it has them."""
    if not notification.ack_url:
        return []
    return [
        "",
        _("Acknowledge: {url}").format(url=notification.ack_url),
        _("Escalate: {url}").format(url=notification.escalate_url),
        _(_LINKS_NOTE),
    ]


def _link_html(notification: Notification) -> str:
    if not notification.ack_url:
        return ""
    ack = escape(notification.ack_url, quote=True)
    escalate = escape(notification.escalate_url, quote=True)
    return (
        f'<p><a href="{ack}"><strong>{escape(_("Acknowledge"))}</strong></a> · '
        f'<a href="{escalate}">{escape(_("Escalate"))}</a></p>'
        f"<p><small>{escape(_(_LINKS_NOTE))}</small></p>"
    )


def render_html(notification: Notification) -> str:
    link = ""
    if notification.url:
        url = escape(notification.url, quote=True)
        text = escape(_("Open incident #{id}").format(id=notification.incident_id))
        link = f'<p><a href="{url}">{text}</a></p>'
    via = ""
    if notification.via:
        receive = escape(_("You receive this as {via}.").format(via=notification.via))
        via = f"<p><small>{receive}</small></p>"
    drill = f"<p><strong>{escape(_DRILL)}</strong></p>" if notification.drill else ""
    mark = "[DRILL] " if notification.drill else ""
    phase = escape(_("Phase: {phase}").format(phase=notification.phase))
    ask = escape(_(_ASK[notification.purpose]))
    return (
        "<!doctype html><html><body>"
        f"{drill}<p><strong>{ask}</strong></p>"
        f"<h2>{mark}[{escape(notification.severity)}] #{notification.incident_id} "
        f"{escape(notification.title)}</h2>"
        f"<p>{phase} · {escape(_event_line(notification))}</p>"
        f"<p>{escape(notification.text)}</p>{_link_html(notification)}{link}{via}"
        "</body></html>"
    )
