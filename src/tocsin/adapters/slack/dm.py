"""The ``slack`` notification channel: a direct message to the paged person.

Implements the ``Channel`` Protocol (``services.paging.ports``) next to email, webhook and console,
so paging, FYIs, retries and the delivery record work as for any channel. The person is
found by ``people[].slack_user_id``; one without it cannot be reached here (DeliveryFailed).
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.markup import slack as esc
from tocsin.domain.notification import Notification


class SlackDmChannel:
    name = "slack"

    def __init__(self, client: WebClient, user_ids: Mapping[str, str]) -> None:
        """``user_ids``: tocsin person id -> Slack member id."""
        self._client = client
        self._user_ids = user_ids

    def send(self, notification: Notification, key: str) -> str:
        user = self._user_ids.get(notification.recipient)
        if user is None:
            raise DeliveryFailed(f"{notification.name} has no slack_user_id: no direct message possible")
        try:
            opened = self._client.conversations_open(users=user)
            channel = str(opened["channel"]["id"])
            posted = self._client.chat_postMessage(
                channel=channel, text=_text(notification, key), unfurl_links=False
            )
        except SlackApiError as exc:
            code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            raise DeliveryFailed(
                f"Slack answered {exc.response.status_code}: {code or 'no error code'}"
            ) from None
        except (SlackClientError, OSError, ValueError) as exc:
            raise DeliveryFailed(f"Slack is unreachable: {type(exc).__name__}") from None
        return f"slack:{channel}:{posted['ts']}"


def _text(n: Notification, key: str) -> str:
    """Subject, what happened, the link; the delivery key last so repeats can be recognised.
    The subject and text carry the incident's title and alert text: escaped for mrkdwn."""
    lines = [f"*{esc(n.subject)}*", esc(n.text)]
    if n.ack_url:  # the page's own single-use links (services.page_links)
        lines.append(f"<{n.ack_url}|Acknowledge> · <{n.escalate_url}|Escalate> (each link works once)")
    if n.url:
        lines.append(f"<{n.url}|Open #{n.incident_id} in tocsin>")
    lines.append(f"_delivery {esc(key)}_")
    return "\n".join(lines)[:3000]
