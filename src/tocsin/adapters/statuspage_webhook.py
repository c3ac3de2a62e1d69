"""Webhook subscribers of the status page: one signed JSON POST per public update, with the
same headers and ``X-Tocsin-Signature`` scheme as tocsin's outbound webhooks (docs/webhooks.md)."""

from __future__ import annotations

import time

import httpx

from tocsin.adapters.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tocsin.domain.delivery import DeliveryFailed, too_many_requests
from tocsin.services.paging.ports import Post


class SignedWebhookPoster:
    """A ``Channel`` of ``Post``s (``services.paging.ports``)."""

    name = "statuspage-webhook"

    def __init__(
        self, secret: str | None, *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._secret = secret
        self._timeout = timeout
        self._transport = transport

    def send(self, message: Post, key: str) -> str:
        url, body = message.url, message.body
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "tocsin-statuspage",
            "X-Tocsin-Event": message.event,
            "X-Tocsin-Delivery": key,
            TIMESTAMP_HEADER: timestamp,
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(self._secret, timestamp, body)
        try:
            with httpx.Client(
                transport=self._transport, timeout=self._timeout, follow_redirects=False
            ) as client:
                response = client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"status webhook: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise too_many_requests("status webhook", response.headers.get("retry-after"))
        if not response.is_success:
            raise DeliveryFailed(f"status webhook: HTTP {response.status_code}")
        return f"HTTP {response.status_code}"
