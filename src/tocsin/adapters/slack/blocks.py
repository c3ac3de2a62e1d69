"""The incident card as Block Kit: header, facts, buttons; within Slack's limits.

Every text taken from the incident (title, source, who acknowledged, link labels) is escaped
for mrkdwn (``domain.markup.slack``); plain_text objects (header, buttons) are not parsed.

Action ids are the contract with ``web/slack``: ``incident_ack``, ``incident_escalate``,
``incident_severity`` (a static select whose option values are P0–P3) and
``incident_resolve``; every element's ``value`` (and the block id) carries the incident id.
"""

from __future__ import annotations

from typing import Any

from tocsin.domain.markup import slack as esc
from tocsin.platform.i18n import N_
from tocsin.platform.i18n import gettext as _
from tocsin.services.slack.ops import ACK, ESCALATE, RESOLVE, SEVERITY
from tocsin.services.slack.ports import Card

SEVERITIES = ("P0", "P1", "P2", "P3")

MAX_TEXT = 3000
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_CONTEXT = 10  # elements in a context block

# the card's words are in server.language (the worker runs each job in it)
PHASES = {
    "detection": N_("detection"),
    "triage": N_("triage"),
    "resolution": N_("resolution"),
    "post_incident": N_("post incident"),
    "closed": N_("closed"),
}
_MARK = {"P0": "🔴", "P1": "🟠", "P2": "🟡", "P3": "🔵"}
COLOURS = {"P0": "#d32f2f", "P1": "#f57c00", "P2": "#fbc02d", "P3": "#1976d2"}
"""Severity colours, for the attachment bar that frames the card."""


def _plain(text: str, limit: int = MAX_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:MAX_TEXT]}


def _field(label: str, value: str) -> dict[str, Any]:
    return _mrkdwn(f"*{label}*\n{value}")


def fallback_text(card: Card) -> str:
    """The notification text (and what screen readers and old clients show)."""
    return f"[{card.severity}] #{card.incident_id} {esc(card.title)} ({card.phase})"


def _status(card: Card) -> str:
    if card.resolved:
        return _("Resolved")
    if card.acknowledged_by:
        return _("Acknowledged by {who}").format(who=esc(card.acknowledged_by))
    return _("ack due {at} UTC").format(at=f"{card.ack_due_at:%H:%M}")


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(text, MAX_BUTTON),
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _actions(card: Card) -> dict[str, Any]:
    value = str(card.incident_id)
    options = [{"text": _plain(s), "value": s} for s in SEVERITIES]
    select = {
        "type": "static_select",
        "action_id": SEVERITY,
        "placeholder": _plain(_("Set severity")),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == card.severity),
    }
    resolve = _button(_("Resolve"), RESOLVE, value, "danger")
    resolve["confirm"] = {
        "title": _plain(_("Resolve?")),
        "text": _plain(_("Mark incident #{id} resolved").format(id=card.incident_id)),
        "confirm": _plain(_("Resolve")),
        "deny": _plain(_("Cancel")),
    }
    elements = [
        _button(_("Acknowledge"), ACK, value, "primary"),
        _button(_("Escalate"), ESCALATE, value),
        select,
        resolve,
    ]
    return {"type": "actions", "block_id": f"incident:{card.incident_id}", "elements": elements}


def _links(card: Card) -> str:
    open_text, issue_text = _("Open in tocsin"), _("GitHub issue")
    links = [f"<{card.url}|{open_text}>"] if card.url else []
    if card.issue_url:
        links.append(f"<{card.issue_url}|{issue_text}>")
    return " · ".join(links)


POSSIBLE_REPEAT = (
    ":warning: *Possible repeat*: tocsin stopped while posting this card; an earlier copy may be above."
)


def blocks(card: Card) -> list[dict[str, Any]]:
    """The card's blocks (at most 6 of Slack's 50); buttons only while the incident is open."""
    header = f"{_MARK.get(card.severity, '')} {card.severity} — #{card.incident_id} {card.title}"
    fields = [
        _field(_("Severity"), card.severity),
        _field(_("Phase"), _(PHASES.get(card.phase, esc(card.phase.replace("_", " "))))),
        _field(_("Response"), _status(card)),
        _field(
            _("Source"),
            f"{esc(card.source)} · "
            + _("{firing}/{total} alerts firing").format(firing=card.alerts_firing, total=card.alerts_total),
        ),
    ]
    result: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(header.strip(), MAX_HEADER)},
        {"type": "section", "text": _mrkdwn(f"*{esc(card.title)}*"), "fields": fields},
    ]
    if not card.resolved:
        result.append(_actions(card))
    links = _links(card)
    if links:
        result.append({"type": "context", "elements": [_mrkdwn(links)]})
    if card.diagnostics:  # one element each: an Explore URL is long, a text object holds 3,000
        elements = [_mrkdwn(f"<{url}|{_label(label)}>") for label, url in card.diagnostics[:MAX_CONTEXT]]
        result.append({"type": "context", "elements": elements})
    if card.possible_repeat:
        result.append({"type": "context", "elements": [_mrkdwn(POSSIBLE_REPEAT)]})
    return result


def _label(text: str) -> str:
    """Slack link text: escaped, and no pipe, which would end the link early."""
    return esc(text.replace("|", "¦")[:200])


def attachments(card: Card) -> list[dict[str, Any]]:
    """A bar in the severity's colour under the card, restating severity and response."""
    label = f"{_MARK.get(card.severity, '')} {card.severity} · {_status(card)}".strip()
    return [
        {
            "color": COLOURS.get(card.severity, "#888888"),
            "fallback": fallback_text(card),
            "blocks": [{"type": "context", "elements": [_mrkdwn(label)]}],
        }
    ]
