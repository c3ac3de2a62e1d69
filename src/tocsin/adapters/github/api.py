"""``GitHubApi``: the ``IssueTracker`` over GitHub's REST API with plain httpx.

Every request carries ``Authorization: Bearer <token>`` (a fine-grained PAT or an App
installation token), ``Accept: application/vnd.github+json``, ``X-GitHub-Api-Version`` and a
``User-Agent`` (GitHub refuses requests without one). ``base_url`` is ``https://api.github.com``
or, for GitHub Enterprise Server, ``https://<host>/api/v3``. The transport is injectable.

Adoption is guarded: ``find`` (the crash-recovery look-up of an issue by its hidden marker)
and ``comment_bodies`` (whose markers say what was posted already) consider only what tocsin
itself wrote — the author's ``user.login`` equals the token's own login (``GET /user``, asked
once), or, for a GitHub App installation token (which has no ``/user``), the item was made by an
app bot (``performed_via_github_app``) — and a marker counts only as a whole line of the body,
never as a substring. Someone else's issue carrying a copied marker is never adopted.

Rate limits: a 403/429 with ``Retry-After`` (secondary limit) or ``X-RateLimit-Remaining: 0``
and ``X-RateLimit-Reset`` (primary limit) raises ``TrackerRateLimited`` (a ``RetryAfter``) when
the wait is at most ``max_wait`` seconds: the job engine runs the job again after it; a longer
one raises ``TrackerError`` and the job retries later with backoff. The adapter itself never
sleeps nor retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from tocsin.services.github.ports import Issue, TrackerError, TrackerRateLimited

API_VERSION = "2022-11-28"
_UNKNOWN = object()


def rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds to wait before retrying, or ``None`` when ``response`` is not a rate limit."""
    if response.status_code not in (403, 429):
        return None
    retry_after = response.headers.get("retry-after", "")
    if retry_after.isdigit():
        return float(retry_after)
    reset = response.headers.get("x-ratelimit-reset", "")
    if response.headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, int(reset) - now)
    if response.status_code == 429:
        return 60.0
    return None


def has_marker_line(body: str, marker: str) -> bool:
    """``marker`` alone on one of the body's lines (surrounding spaces aside)."""
    return any(line.strip() == marker for line in body.splitlines())


def _issue(data: Mapping[str, Any]) -> Issue:
    return Issue(
        number=int(data["number"]),
        url=str(data.get("html_url") or ""),
        state=str(data.get("state") or "open"),
        labels=tuple(
            str(label["name"]) if isinstance(label, Mapping) else str(label)
            for label in data.get("labels") or ()
        ),
        body=str(data.get("body") or ""),
        title=str(data.get("title") or ""),
    )


class GitHubApi:
    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        repository: str,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        max_wait: float = 60.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.repository = repository
        self._repo_path = f"/repos/{repository}"
        self._max_wait = max_wait
        self._now = now
        self._login: object = _UNKNOWN
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "tocsin",
            },
        )

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, *, json: Any = None, params: Any = None) -> httpx.Response:
        try:
            response = self._client.request(method, path, json=json, params=params)
        except httpx.HTTPError as exc:
            raise TrackerError(f"GitHub {method} {path}: {type(exc).__name__}") from None
        wait = rate_limit_wait(response, self._now())
        if wait is None:
            return response
        if wait > self._max_wait:
            raise TrackerError(f"GitHub rate limit: retry in {int(wait)} s")
        raise TrackerRateLimited(f"GitHub rate limit: retry in {wait:g} s", wait)

    def _ok(self, method: str, path: str, *, json: Any = None, params: Any = None) -> Any:
        response = self._call(method, path, json=json, params=params)
        if not response.is_success:
            raise TrackerError(f"GitHub {method} {path}: HTTP {response.status_code}")
        return response.json() if response.content else None

    def own_login(self) -> str | None:
        """The login the token acts as (``GET /user``, once); ``None`` for an App installation
        token, which GitHub refuses there."""
        if self._login is _UNKNOWN:
            response = self._call("GET", "/user")
            if response.is_success:
                self._login = str((response.json() or {}).get("login") or "") or None
            elif response.status_code in (401, 403, 404):
                self._login = None
            else:
                raise TrackerError(f"GitHub GET /user: HTTP {response.status_code}")
        return self._login if isinstance(self._login, str) else None

    def _ours(self, data: Mapping[str, Any]) -> bool:
        """Written by tocsin: by the token's own login, or (App tokens) by an app's bot."""
        user = data.get("user") or {}
        login = self.own_login()
        if login is not None:
            return isinstance(user, Mapping) and user.get("login") == login
        return bool(data.get("performed_via_github_app")) and (
            isinstance(user, Mapping) and user.get("type") == "Bot"
        )

    def _carries(self, data: Mapping[str, Any], marker: str) -> bool:
        return has_marker_line(str(data.get("body") or ""), marker) and self._ours(data)

    def find(self, marker: str) -> Issue | None:
        params = {
            "state": "all",
            "labels": "incident",
            "sort": "created",
            "direction": "desc",
            "per_page": 100,
        }
        for data in self._ok("GET", f"{self._repo_path}/issues", params=params) or ():
            if self._carries(data, marker):
                return _issue(data)
        token = marker.removeprefix("<!-- ").removesuffix(" -->")
        query = {"q": f'"{token}" repo:{self.repository} is:issue in:body', "per_page": 10}
        found = self._ok("GET", "/search/issues", params=query) or {}
        for data in found.get("items") or ():
            if self._carries(data, marker):
                return _issue(data)
        return None

    def ensure_labels(self, names: Sequence[str], colours: dict[str, str]) -> None:
        existing: set[str] = set()
        for page in range(1, 11):
            batch = self._ok("GET", f"{self._repo_path}/labels", params={"per_page": 100, "page": page}) or []
            existing.update(str(label["name"]).lower() for label in batch)
            if len(batch) < 100:
                break
        for name in names:
            if name.lower() in existing:
                continue
            body = {
                "name": name,
                "color": colours.get(name, "ededed"),
                "description": "tocsin incident label",
            }
            response = self._call("POST", f"{self._repo_path}/labels", json=body)
            if not response.is_success and response.status_code != 422:  # 422: created meanwhile
                raise TrackerError(f"GitHub POST {self._repo_path}/labels: HTTP {response.status_code}")

    def create(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        payload = {"title": title, "body": body, "labels": list(labels)}
        return _issue(self._ok("POST", f"{self._repo_path}/issues", json=payload))

    def get(self, number: int) -> Issue:
        return _issue(self._ok("GET", f"{self._repo_path}/issues/{number}"))

    def update(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        labels: Sequence[str] | None = None,
        state: str | None = None,
        state_reason: str | None = None,
    ) -> Issue:
        fields = {"title": title, "body": body, "state": state, "state_reason": state_reason}
        payload: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
        if labels is not None:
            payload["labels"] = list(labels)
        return _issue(self._ok("PATCH", f"{self._repo_path}/issues/{number}", json=payload))

    def comment(self, number: int, body: str) -> None:
        self._ok("POST", f"{self._repo_path}/issues/{number}/comments", json={"body": body})

    def comment_bodies(self, number: int, since: datetime | None) -> list[str]:
        params: dict[str, Any] = {"per_page": 100}
        if since is not None:
            params["since"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        found = self._ok("GET", f"{self._repo_path}/issues/{number}/comments", params=params) or []
        return [str(c.get("body") or "") for c in found if self._ours(c)]
