"""The text and HTML bodies of a notification email. Kept apart so they can be localised."""

from __future__ import annotations

from html import escape

from tocsin.domain.notification import Notification, Purpose

_ASK = {
    Purpose.PAGE: "You are paged: please acknowledge the incident.",
    Purpose.FYI: "For your information; nothing to do unless you are on it.",
}


def render_text(notification: Notification) -> str:
    lines = [
        _ASK[notification.purpose],
        "",
        f"Incident #{notification.incident_id}: {notification.title}",
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
    return (
        "<!doctype html><html><body>"
        f"<p><strong>{escape(_ASK[notification.purpose])}</strong></p>"
        f"<h2>[{escape(notification.severity)}] #{notification.incident_id} {escape(notification.title)}</h2>"
        f"<p>Phase: {escape(notification.phase)} · Event: {escape(notification.trigger.value)} at "
        f"{notification.at:%Y-%m-%d %H:%M} UTC</p>"
        f"<p>{escape(notification.text)}</p>{link}{via}"
        "</body></html>"
    )
