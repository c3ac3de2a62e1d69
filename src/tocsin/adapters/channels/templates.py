"""The text and HTML bodies of a notification email. Kept apart so they can be localised."""

from __future__ import annotations

from html import escape

from tocsin.domain.notification import Notification, Purpose

_DRILL = "DRILL: an exercise run with `tocsin drill`, not a real outage."

_ASK = {
    Purpose.PAGE: "You are paged: please acknowledge the incident.",
    Purpose.FYI: "For your information; nothing to do unless you are on it.",
}


def render_text(notification: Notification) -> str:
    drill = "[DRILL] " if notification.drill else ""
    lines = [
        *([_DRILL, ""] if notification.drill else []),
        _ASK[notification.purpose],
        "",
        f"Incident #{notification.incident_id}: {drill}{notification.title}",
        f"Severity: {notification.severity}    Phase: {notification.phase}",
        f"Event: {notification.trigger.value} at {notification.at:%Y-%m-%d %H:%M} UTC",
        "",
        notification.text,
    ]
    if notification.via:
        lines += ["", f"You receive this as {notification.via}."]
    if notification.url:
        lines += ["", notification.url]
    return "\n".join(lines) + "\n"


def render_html(notification: Notification) -> str:
    link = ""
    if notification.url:
        url = escape(notification.url, quote=True)
        link = f'<p><a href="{url}">Open incident #{notification.incident_id}</a></p>'
    via = f"<p><small>You receive this as {escape(notification.via)}.</small></p>" if notification.via else ""
    drill = f"<p><strong>{escape(_DRILL)}</strong></p>" if notification.drill else ""
    mark = "[DRILL] " if notification.drill else ""
    return (
        "<!doctype html><html><body>"
        f"{drill}<p><strong>{escape(_ASK[notification.purpose])}</strong></p>"
        f"<h2>{mark}[{escape(notification.severity)}] #{notification.incident_id} "
        f"{escape(notification.title)}</h2>"
        f"<p>Phase: {escape(notification.phase)} · Event: {escape(notification.trigger.value)} at "
        f"{notification.at:%Y-%m-%d %H:%M} UTC</p>"
        f"<p>{escape(notification.text)}</p>{link}{via}"
        "</body></html>"
    )
