"""A fake ntfy server on 127.0.0.1 that takes "publish as JSON" (``POST /`` with the topic in the
body) as ntfy documents it (docs.ntfy.sh/publish/#publish-as-json, …/#action-buttons).

ntfy publishes no OpenAPI description: every request is checked here against a JSON schema of
the documented fields (topic required; priority 1-5; at most three actions; an ``http`` action
has a label and a URL; no unknown field), plus ``Authorization: Bearer <token>``. Violations are
recorded in ``errors`` and answered 400 as ntfy does (``{"code": 40024, "http": 400, …}``).
Answers are ntfy's: 200 with the message (``id``, ``time``, ``event: message``…); 401/403 error
bodies for a bad token or a forbidden topic; ``status`` makes the next answers that HTTP error
(429 limit reached, 5xx).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from werkzeug.wrappers import Request, Response

from tests import wsgi_server

TOKEN = "tk_ntfytesttokenneverlogged0000"
TOPIC = {"type": "string", "pattern": "^[-_A-Za-z0-9]{1,64}$"}
ACTION = {
    "type": "object",
    "required": ["action", "label"],
    "additionalProperties": False,
    "properties": {
        "action": {"enum": ["view", "broadcast", "http", "copy"]},
        "label": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
        "method": {"enum": ["GET", "POST", "PUT", "DELETE", "PATCH"]},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "body": {"type": "string"},
        "clear": {"type": "boolean"},
        "intent": {"type": "string"},
        "extras": {"type": "object"},
        "value": {"type": "string"},
    },
    "if": {"properties": {"action": {"enum": ["http", "view"]}}},
    "then": {"required": ["url"]},
}
PUBLISH = {
    "type": "object",
    "required": ["topic"],
    "additionalProperties": False,
    "properties": {
        "topic": TOPIC,
        "message": {"type": "string"},
        "title": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "actions": {"type": "array", "maxItems": 3, "items": ACTION},
        "click": {"type": "string"},
        "attach": {"type": "string"},
        "markdown": {"type": "boolean"},
        "icon": {"type": "string"},
        "filename": {"type": "string"},
        "delay": {"type": "string"},
        "email": {"type": "string"},
        "call": {"type": "string"},
    },
}
LINK = "https://ntfy.sh/docs/publish/"


@dataclass
class Published:
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeNtfy:
    token: str = TOKEN
    forbidden: set[str] = field(default_factory=set)
    published: list[Published] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    """HTTP errors to answer next, first in first out (429, 500, 503…)."""
    down: bool = False
    """Answer every request 503, as a proxy in front of a stopped ntfy does."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, topic: str) -> list[dict[str, Any]]:
        return [p.body for p in self.published if p.body.get("topic") == topic]

    def wsgi(self, environ: Any, start_response: Any) -> Iterator[bytes]:
        request = Request(environ)
        with self._lock:
            response = self._handle(request)
        return response(environ, start_response)  # type: ignore[no-any-return]

    def _handle(self, request: Request) -> Response:
        if self.status or self.down:
            code = self.status.pop(0) if self.status else 503
            error = "limit reached: too many requests" if code == 429 else "internal server error"
            return _answer(code, {"code": code * 100 + 1, "http": code, "error": error, "link": LINK})
        if request.method != "POST" or request.path != "/":
            self.errors.append(f"{request.method} {request.path}: publish as JSON is POST /")
            return _answer(404, {"code": 40401, "http": 404, "error": "page not found"})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _answer(401, {"code": 40101, "http": 401, "error": "unauthorized", "link": LINK})
        try:
            body = json.loads(request.get_data())
            jsonschema.validate(body, PUBLISH)
        except (ValueError, jsonschema.ValidationError) as exc:
            self.errors.append(f"POST /: {exc}")
            return _answer(400, {"code": 40024, "http": 400, "error": "invalid request: JSON body invalid"})
        if body["topic"] in self.forbidden:
            return _answer(403, {"code": 40301, "http": 403, "error": "forbidden", "link": LINK})
        self.published.append(Published(body, dict(request.headers)))
        ident = f"msg{next(self._ids):09d}"
        message = {"id": ident, "time": 1796353200, "expires": 1796396400, "event": "message", **body}
        message["actions"] = [{"id": f"act{i}", **a} for i, a in enumerate(body.get("actions", []))]
        return _answer(200, {k: v for k, v in message.items() if v != []})


def _answer(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


Server = wsgi_server.Server[FakeNtfy]


def serve() -> Server:
    """One server for the session; ``reset`` swaps in a fresh fake per test."""
    return wsgi_server.serve(lambda url: FakeNtfy())
