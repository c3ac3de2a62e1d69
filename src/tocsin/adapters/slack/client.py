"""``SlackApi`` over slack_sdk's sync ``WebClient``: the card, thread replies, ephemerals.

Errors become the port's two exceptions: 429 -> ``SlackRateLimited`` with Slack's
``Retry-After``; anything else (connection refused, 5xx, ``ok: false``) ->
``SlackUnavailable``, whose message names the Slack error code and never the token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from tocsin.adapters.slack.blocks import attachments, blocks, fallback_text
from tocsin.services.slack.ports import CARD_EVENT, Card, Posted, SlackRateLimited, SlackUnavailable

T = TypeVar("T")
DEFAULT_RETRY_AFTER = 30.0
HISTORY_LIMIT = 200


class SlackWebApi:
    def __init__(
        self, token: str, *, base_url: str = "https://slack.com/api/", timeout: float = 10.0
    ) -> None:
        # No retry handlers: retries are the job store's business (durable, with backoff).
        self.client = WebClient(token=token, base_url=base_url, timeout=int(timeout), retry_handlers=[])

    def post_card(self, channel: str, card: Card) -> Posted:
        response = _call(
            lambda: self.client.chat_postMessage(
                channel=channel,
                text=fallback_text(card),
                blocks=blocks(card),
                attachments=attachments(card),
                unfurl_links=False,
                metadata={"event_type": CARD_EVENT, "event_payload": {"incident_id": card.incident_id}},
            )
        )
        return Posted(channel=str(response["channel"]), ts=str(response["ts"]))

    def find_card(self, channel: str, incident_id: int) -> Posted | None:
        """One page of the channel's latest top-level messages (up to ``HISTORY_LIMIT``): the
        lookup runs right after a failed attempt, so the card is among the newest."""
        response = _call(
            lambda: self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == CARD_EVENT and payload.get("incident_id") == incident_id:
                return Posted(channel=channel, ts=str(message["ts"]))
        return None

    def update_card(self, where: Posted, card: Card) -> None:
        _call(
            lambda: self.client.chat_update(
                channel=where.channel,
                ts=where.ts,
                text=fallback_text(card),
                blocks=blocks(card),
                attachments=attachments(card),
            )
        )

    def post_text(self, channel: str, text: str, *, thread_ts: str | None = None) -> Posted:
        response = _call(
            lambda: self.client.chat_postMessage(channel=channel, text=text, thread_ts=thread_ts)
        )
        return Posted(channel=str(response["channel"]), ts=str(response["ts"]))

    def post_ephemeral(self, channel: str, user: str, text: str) -> None:
        _call(lambda: self.client.chat_postEphemeral(channel=channel, user=user, text=text))

    def create_channel(self, name: str) -> str:
        response = _call(lambda: self.client.conversations_create(name=name, is_private=False))
        return str(response["channel"]["id"])

    def invite(self, channel: str, users: Sequence[str]) -> None:
        if users:
            _call(
                lambda: self.client.conversations_invite(channel=channel, users=",".join(users)),
                tolerate=("already_in_channel",),
            )

    def archive(self, channel: str) -> None:
        _call(lambda: self.client.conversations_archive(channel=channel), tolerate=("already_archived",))


def _call(request: Callable[[], Any], *, tolerate: Sequence[str] = ()) -> Any:
    """``tolerate``: Slack error codes that mean the work is already done (answered ``None``)."""
    try:
        return request()
    except SlackApiError as exc:
        response = exc.response
        if isinstance(response.data, dict) and response.get("error") in tolerate:
            return None
        if response.status_code == 429:
            raise SlackRateLimited(_retry_after(response.headers)) from None
        error = response.get("error") if isinstance(response.data, dict) else None
        raise SlackUnavailable(f"Slack answered {response.status_code}: {error or 'no error code'}") from None
    except (SlackClientError, OSError, ValueError) as exc:
        raise SlackUnavailable(f"Slack is unreachable: {type(exc).__name__}") from None


def _retry_after(headers: Any) -> float:
    for name, value in dict(headers or {}).items():
        if str(name).lower() == "retry-after":
            try:
                return max(float(value if isinstance(value, str) else value[0]), 0.0)
            except (TypeError, ValueError, IndexError):
                break
    return DEFAULT_RETRY_AFTER
