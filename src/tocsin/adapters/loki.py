"""Loki's ``/loki/api/v1/query_range`` (one call = one page, read forward)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tocsin.domain.evidence_logs import LogLine
from tocsin.services.security.evidence_ports import LogSourceError


class LokiHttp:
    def __init__(
        self, base_url: str, *, timeout: float = 30.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._url = base_url.rstrip("/") + "/loki/api/v1/query_range"
        self._timeout = timeout
        self._transport = transport

    def query_range(self, query: str, start: int, end: int, limit: int) -> Sequence[LogLine]:
        params = {
            "query": query,
            "start": str(start),
            "end": str(end),
            "limit": str(limit),
            "direction": "forward",
        }
        try:
            with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
                response = client.get(self._url, params=params)
        except httpx.HTTPError as exc:
            raise LogSourceError(f"Loki could not be reached: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise LogSourceError(f"Loki answered {response.status_code}: {response.text[:200]}")
        try:
            return _lines(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise LogSourceError(f"Loki's answer is not a streams result: {exc}") from None


def _lines(body: Any) -> list[LogLine]:
    if body.get("status") != "success":
        raise ValueError(f"status {body.get('status')!r}")
    data = body["data"]
    if data.get("resultType") != "streams":
        raise ValueError(f"resultType {data.get('resultType')!r} (the query must select log lines)")
    lines: list[LogLine] = []
    for stream in data["result"]:
        labels = {str(k): str(v) for k, v in (stream.get("stream") or {}).items()}
        for value in stream["values"]:
            lines.append(LogLine(int(value[0]), labels, str(value[1])))
    return lines
