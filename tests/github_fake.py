"""A fake GitHub REST server on 127.0.0.1 for the issue tests.

Every request is checked against GitHub's own OpenAPI description
(``tests/data/contracts/github-issues.openapi.json``) with openapi-core — path, method, query,
body — plus the headers GitHub requires; every answer is validated against the same
description, so a fake that drifts from GitHub fails the test. ``rate_limit_next`` makes the
next request answer 403 with ``Retry-After``. Issues and comments have an author (``tocsin-bot``,
the token's own login, unless a test plants one by someone else); ``GET /user`` (not in the
subset: answered with the same simple-user shape, unchecked) names the token's login, or
answers 403 as GitHub does for an App installation token (``app_token``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.wrappers import Request, Response

from tests import wsgi_server

SPEC = Path(__file__).resolve().parent / "data" / "contracts" / "github-issues.openapi.json"
TOKEN = "github_pat_test_token"
T = "2026-11-27T10:00:00Z"


@cache
def _spec_dict() -> dict[str, Any]:
    return json.loads(SPEC.read_text())  # type: ignore[no-any-return]


def _user(login: str = "tocsin-bot") -> dict[str, Any]:
    base = f"https://api.github.com/users/{login}"
    return {
        "login": login, "id": 1, "node_id": "U_1", "avatar_url": "https://avatars.example/u/1",
        "gravatar_id": "", "url": base, "html_url": f"https://github.com/{login}",
        "followers_url": f"{base}/followers", "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}", "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions", "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos", "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events", "type": "User", "site_admin": False,
    }  # fmt: skip


@dataclass
class FakeGitHub:
    repo: str = "acme/shop"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    comment_authors: dict[tuple[int, int], str] = field(default_factory=dict)
    """(issue, 1-based comment index) -> login, for comments someone else wrote."""
    log: list[tuple[str, str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rate_limit_next: int = 0
    base_url: str = ""
    app_token: bool = False
    """Act as a GitHub App installation token: no ``/user``; what it writes is the app bot's."""

    # --- shapes ------------------------------------------------------------------------------
    def _label(self, name: str, color: str = "ededed", description: str | None = None) -> dict[str, Any]:
        n = len(self.labels) + 1
        url = f"{self.base_url}/repos/{self.repo}/labels/{name}"
        return {"id": n, "node_id": f"L_{n}", "url": url, "name": name, "description": description,
                "color": color, "default": False}  # fmt: skip

    def _issue_json(self, number: int) -> dict[str, Any]:
        issue = self.issues[number]
        api = f"{self.base_url}/repos/{self.repo}/issues/{number}"
        return {
            "id": 1000 + number, "node_id": f"I_{number}", "url": api,
            "repository_url": f"{self.base_url}/repos/{self.repo}", "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments", "events_url": f"{api}/events",
            "html_url": f"https://github.com/{self.repo}/issues/{number}", "number": number,
            "state": issue["state"], "title": issue["title"],
            "body": issue["body"], "user": self._author(issue.get("author")),
            "labels": [self.labels[n] for n in issue["labels"]],
            **self._via_app(issue.get("author")),
            "assignee": None, "assignees": [], "milestone": None, "locked": False,
            "comments": len(self.comments.get(number, [])),
            "closed_at": T if issue["state"] == "closed" else None, "created_at": T, "updated_at": T,
            "author_association": "OWNER",
            **({"state_reason": issue["state_reason"]} if issue.get("state_reason") else {}),
        }  # fmt: skip

    def _author(self, login: str | None) -> dict[str, Any]:
        if login is None and self.app_token:
            return {**_user("tocsin-app[bot]"), "type": "Bot"}
        return _user(login or "tocsin-bot")

    def _via_app(self, login: str | None) -> dict[str, Any]:
        if login is not None or not self.app_token:
            return {}
        return {"performed_via_github_app": {
            "id": 1, "slug": "tocsin-app", "node_id": "A_1", "owner": _user("acme"), "name": "tocsin",
            "description": None, "external_url": "https://tocsin.example", "html_url": "https://github.com/apps/tocsin-app",
            "created_at": T, "updated_at": T, "permissions": {"issues": "write"}, "events": [],
        }}  # fmt: skip

    def _comment_json(self, number: int, index: int, body: str) -> dict[str, Any]:
        cid = number * 1000 + index
        author = self.comment_authors.get((number, index))
        return {
            "id": cid, "node_id": f"C_{cid}",
            "url": f"{self.base_url}/repos/{self.repo}/issues/comments/{cid}",
            "html_url": f"https://github.com/{self.repo}/issues/{number}#issuecomment-{cid}", "body": body,
            "user": self._author(author), "created_at": T, "updated_at": T, **self._via_app(author),
            "issue_url": f"{self.base_url}/repos/{self.repo}/issues/{number}", "author_association": "OWNER",
        }  # fmt: skip

    # --- helpers for tests ----------------------------------------------------------------------
    def calls(self, method: str, suffix: str = "") -> list[Any]:
        return [body for m, path, body in self.log if m == method and path.endswith(suffix)]

    def issue_labels(self, number: int) -> list[str]:
        return list(self.issues[number]["labels"])

    def add_issue(self, title: str, body: str, labels: list[str], author: str | None = None) -> int:
        """``author``: someone else's login (default: the issue is tocsin's own)."""
        for name in labels:
            self.labels.setdefault(name, self._label(name))
        number = len(self.issues) + 1
        self.issues[number] = {
            "title": title,
            "body": body,
            "labels": labels,
            "state": "open",
            "author": author,
        }
        return number

    def add_comment(self, number: int, body: str, author: str) -> None:
        """A comment someone else wrote."""
        self.comments.setdefault(number, []).append(body)
        self.comment_authors[(number, len(self.comments[number]))] = author

    # --- routing --------------------------------------------------------------------------------
    def _route(self, method: str, parts: list[str], data: Any, query: Any) -> tuple[int, Any]:  # noqa: C901
        if parts[:1] == ["search"]:
            q = query.get("q", "")
            items = [
                {**self._issue_json(n), "score": 1.0}
                for n, issue in self.issues.items()
                if any(word.strip('"') in issue["body"] for word in q.split() if word.startswith('"'))
            ]
            return 200, {
                "total_count": len(items),
                "incomplete_results": False,
                "items": items,
                "search_type": "lexical",
            }
        rest = parts[3:]
        if rest == ["labels"]:
            if method == "GET":
                page = int(query.get("page", 1))
                return 200, list(self.labels.values())[(page - 1) * 100 : page * 100]
            if data["name"] in self.labels:
                return 422, {"message": "Validation Failed", "documentation_url": "https://docs.github.com"}
            self.labels[data["name"]] = self._label(
                data["name"], data.get("color", "ededed"), data.get("description")
            )
            return 201, self.labels[data["name"]]
        if rest == ["issues"]:
            if method == "POST":
                number = self.add_issue(data["title"], data.get("body") or "", list(data.get("labels", [])))
                return 201, self._issue_json(number)
            wanted = query.get("labels")
            numbers = sorted(self.issues, reverse=True)
            return 200, [
                self._issue_json(n) for n in numbers if not wanted or wanted in self.issues[n]["labels"]
            ]
        number = int(rest[1])
        if number not in self.issues:
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com"}
        issue = self.issues[number]
        if rest[2:] == ["comments"]:
            if method == "POST":
                self.comments.setdefault(number, []).append(data["body"])
                bodies = self.comments[number]
                return 201, self._comment_json(number, len(bodies), data["body"])
            return 200, [
                self._comment_json(number, i + 1, b) for i, b in enumerate(self.comments.get(number, []))
            ]
        if method == "PATCH":
            for key in ("title", "body", "state", "state_reason"):
                if key in data:
                    issue[key] = data[key]
            if "labels" in data:
                for name in data["labels"]:
                    self.labels.setdefault(name, self._label(name))
                issue["labels"] = list(data["labels"])
        return 200, self._issue_json(number)

    def wsgi(self, environ: Any, start_response: Any) -> Iterator[bytes]:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)  # type: ignore[no-any-return]

    def _check_headers(self, request: Request) -> None:
        expected = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Authorization": f"Bearer {TOKEN}",
        }
        for name, value in expected.items():
            if request.headers.get(name) != value:
                self.errors.append(
                    f"{request.method} {request.path}: header {name} is {request.headers.get(name)!r}"
                )
        if not request.headers.get("User-Agent"):
            self.errors.append(f"{request.method} {request.path}: no User-Agent")

    def _handle(self, request: Request) -> Response:
        openapi = _openapi(self.base_url)
        self._check_headers(request)
        if request.path == "/user" and request.method == "GET":
            self.log.append(("GET", "/user", None))
            if self.app_token:
                body = {"message": "Resource not accessible by integration", "status": "403"}
                return Response(json.dumps(body), status=403, content_type="application/json")
            return Response(json.dumps(_user()), status=200, content_type="application/json")
        try:
            openapi.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:  # pragma: no cover - reported by the test
            self.errors.append(f"{request.method} {request.path}: {exc!r}")
            return Response("{}", status=400, content_type="application/json")
        data = json.loads(request.get_data() or b"null")
        self.log.append((request.method, request.path, data))
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            body = {
                "message": "You have exceeded a secondary rate limit",
                "documentation_url": "https://docs.github.com",
            }
            return Response(
                json.dumps(body), status=403, headers={"Retry-After": "1"}, content_type="application/json"
            )
        status, payload = self._route(request.method, request.path.strip("/").split("/"), data, request.args)
        response = Response(
            json.dumps(payload), status=status, content_type="application/json; charset=utf-8"
        )
        if status < 300:
            try:
                openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
            except Exception as exc:  # pragma: no cover - reported by the test
                cause = getattr(exc.__cause__, "schema_errors", exc.__cause__)
                self.errors.append(f"response to {request.method} {request.path}: {exc!r} {cause!r}")
        return response


@cache
def _openapi(base_url: str) -> OpenAPI:
    spec = dict(_spec_dict())
    spec["servers"] = [{"url": base_url}]
    return OpenAPI.from_dict(spec)


Server = wsgi_server.Server[FakeGitHub]


def serve() -> Server:
    """One server for the session; ``reset`` swaps in a fresh fake per test."""
    return wsgi_server.serve(lambda url: FakeGitHub(base_url=url))
