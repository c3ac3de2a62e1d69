"""A fake Slack Web API on 127.0.0.1 that the real ``slack_sdk.WebClient`` talks to.

Every request is checked against Slack's published Web API description
(tests/data/contracts/slack-web-api.openapi.json, Swagger 2.0): the method exists and takes
POST/GET, the content type is one it consumes, the token is present (Slack's description
calls the header ``token``; clients send ``Authorization: Bearer``), every required
parameter is there, no parameter is unknown, and each has its declared type. Block Kit limits,
which the description does not carry, are checked here too. Every answer is validated against
the method's success schema. A violation is recorded and answered 400, so tests fail loudly.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema

CONTRACT = Path(__file__).resolve().parent / "data" / "contracts" / "slack-web-api.openapi.json"
SPEC: dict[str, Any] = json.loads(CONTRACT.read_text())
JSON_ENCODED = {"blocks", "attachments", "metadata"}  # "JSON … presented as a URL-encoded string"

# Message metadata (2022) is younger than the v1.7.0 description: what Slack documents for it,
# added here as the description would carry it. docs.slack.dev/reference/methods/chat.postMessage
# ("metadata: JSON object with event_type and event_payload fields, presented as a URL-encoded
# string. Metadata you post to Slack is accessible to any app or user who is a member of that
# workspace"), …/methods/conversations.history ("include_all_metadata: Return all metadata
# associated with this message", boolean) and docs.slack.dev/messaging/message-metadata
# (event_type: a string, event_payload: an object; messages read back carry ``metadata``).
DOCUMENTED_SINCE: dict[str, list[dict[str, Any]]] = {
    "/chat.postMessage": [{"name": "metadata", "in": "formData", "type": "string"}],
    "/conversations.history": [{"name": "include_all_metadata", "in": "query", "type": "boolean"}],
}
METADATA_SCHEMA = {
    "type": "object",
    "required": ["event_type", "event_payload"],
    "additionalProperties": False,
    "properties": {
        "event_type": {"type": "string", "pattern": "^[A-Za-z0-9_]+$"},
        "event_payload": {"type": "object"},
    },
}
for _path, _extra in DOCUMENTED_SINCE.items():
    for _operation in SPEC["paths"][_path].values():
        _operation["parameters"] = [*_operation.get("parameters", []), *_extra]
SPEC["definitions"]["objs_message"]["properties"]["metadata"] = METADATA_SCHEMA
# The description requires at least one message in a history page; Slack answers an empty list
# for a channel with nothing in range.
SPEC["paths"]["/conversations.history"]["get"]["responses"]["200"]["schema"]["properties"]["messages"].pop(
    "minItems"
)
CHANNEL_IDS = {"#incidents": "C0INCIDENTS", "incidents": "C0INCIDENTS"}


def dm_id(user: str) -> str:
    """The id of the direct-message conversation with ``user`` (Slack's pattern: D + 8+)."""
    return "D" + user.ljust(8, "0")


@dataclass
class Call:
    method: str
    headers: dict[str, str]
    params: dict[str, Any]


@dataclass
class FakeSlack:
    token: str = "xoxb-test-token"
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # ts -> message
    script: list[tuple[str, int, dict[str, str], bytes]] = field(default_factory=list)
    """Canned answers (method, status, headers, body), served first in first out to that method."""
    down: bool = False
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Channels made with conversations.create: id -> name, members, archived."""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def top_level(self) -> list[dict[str, Any]]:
        """Messages posted in channels (not direct messages), outside threads."""
        return [
            m
            for m in self.messages.values()
            if not m.get("thread_ts") and m["channel"][0] != "D" and m["channel"] not in self.channels
        ]

    def in_channel(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel"] == channel]

    def direct_messages(self, user: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel"] == dm_id(user)]

    def replies(self, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m.get("thread_ts") == ts]

    # -- serving ---------------------------------------------------------------------------
    def handle(self, verb: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict, bytes]:
        with self._lock:
            if self.down:
                return 503, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>"
            method = urlsplit(path).path.removeprefix("/api/")
            params = _params(headers, body, path)
            self.calls.append(Call(method, headers, params))
            problems = check_request(verb, method, headers, params) + check_blocks(params)
            problems += check_metadata(params)
            if headers.get("authorization") != f"Bearer {self.token}":
                problems.append("wrong or missing bot token")
            if problems:
                self.violations.extend(f"{method}: {p}" for p in problems)
                return 400, {}, json.dumps({"ok": False, "error": "invalid_arguments"}).encode()
            canned = next((c for c in self.script if c[0] == method), None)
            if canned is not None:
                self.script.remove(canned)
                return canned[1], canned[2], canned[3]
            problems = check_channel(method, params)
            if problems:
                self.violations.extend(f"{method}: {p}" for p in problems)
                return 400, {}, json.dumps({"ok": False, "error": "invalid_arguments"}).encode()
            answer = self._answer(method, params)
            if not answer["ok"]:
                return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
            errors = check_response(method, answer, verb)
            self.violations.extend(f"{method} answer: {e}" for e in errors)
            return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = CHANNEL_IDS.get(str(params.get("channel", "")), str(params.get("channel", "")))
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            message = {"type": "message", "ts": ts, "text": params.get("text", ""), "bot_id": "B01"}
            self.messages[ts] = {
                **message,
                "channel": channel,
                "blocks": params.get("blocks"),
                "attachments": params.get("attachments"),
                "thread_ts": params.get("thread_ts"),
                "metadata": _json(params.get("metadata")),
            }
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.history":
            return self._history(channel, params)
        if method == "chat.update":
            ts = str(params["ts"])
            self.messages[ts].update(
                text=params.get("text", ""),
                blocks=params.get("blocks"),
                attachments=params.get("attachments"),
            )
            text = params.get("text", "")
            return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": {"text": text}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": dm_id(str(params["users"]))}}
        if method.startswith("conversations.") and method != "conversations.open":
            return self._conversations(method, params)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        return {"ok": True}

    def _history(self, channel: str, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, top-level messages only (thread replies stay in their thread)."""
        if channel not in {m["channel"] for m in self.messages.values()} | set(CHANNEL_IDS.values()):
            return {"ok": False, "error": "channel_not_found"}
        limit = int(params.get("limit") or 100)
        everything = str(params.get("include_all_metadata", "")).lower() in ("true", "1")
        found = sorted(
            (m for m in self.messages.values() if m["channel"] == channel and not m.get("thread_ts")),
            key=lambda m: m["ts"],
            reverse=True,
        )
        messages = []
        for m in found[:limit]:
            shown = {k: m[k] for k in ("type", "ts", "text", "bot_id")}
            if everything and m.get("metadata"):
                shown["metadata"] = m["metadata"]
            messages.append(shown)
        return {
            "ok": True,
            "messages": messages,
            "has_more": len(found) > limit,
            "pin_count": 0,
            "channel_actions_ts": [],
            "channel_actions_count": 0,
        }

    def cards_of(self, incident_id: int) -> list[dict[str, Any]]:
        """Top-level messages whose metadata names ``incident_id``."""
        return [
            m
            for m in self.messages.values()
            if not m.get("thread_ts")
            and (m.get("metadata") or {}).get("event_payload", {}).get("incident_id") == incident_id
        ]

    def _conversations(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """create / invite / archive, with Slack's errors for a second attempt."""
        if method == "conversations.create":
            name = str(params["name"])
            if any(c["name"] == name for c in self.channels.values()):
                return {"ok": False, "error": "name_taken"}
            ident = f"C1{len(self.channels) + 1:08d}"
            self.channels[ident] = {"name": name, "members": [], "archived": False}
            return {"ok": True, "channel": self._conversation(ident)}
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if method == "conversations.archive":
            if channel["archived"]:
                return {"ok": False, "error": "already_archived"}
            channel["archived"] = True
            return {"ok": True}
        users = [u for u in str(params.get("users", "")).split(",") if u]
        new = [u for u in users if u not in channel["members"]]
        if not new:
            return {"ok": False, "error": "already_in_channel"}
        channel["members"].extend(new)
        return {"ok": True, "channel": self._conversation(str(params["channel"]))}

    def _conversation(self, ident: str) -> dict[str, Any]:
        channel = self.channels[ident]
        return {
            "id": ident,
            "name": channel["name"],
            "created": 1700000000,
            "creator": "U0TOCSIN0",
            "is_archived": channel["archived"],
            "is_channel": True,
            "is_private": False,
        }


CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def check_channel(method: str, params: dict[str, Any]) -> list[str]:
    """Slack's channel-name rules: lowercase, no spaces or periods, at most 80 characters."""
    if method != "conversations.create":
        return []
    name = str(params.get("name", ""))
    return [] if CHANNEL_NAME.match(name) else [f"invalid channel name {name!r}"]


def _params(headers: dict[str, str], body: bytes, path: str) -> dict[str, Any]:
    query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
    if headers.get("content-type", "").startswith("application/json"):
        return {**query, **json.loads(body or b"{}")}
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    return {**query, **form}


def check_request(verb: str, method: str, headers: dict[str, str], params: dict[str, Any]) -> list[str]:
    operations = SPEC["paths"].get(f"/{method}", {})
    # Every Web API method also takes POST (docs.slack.dev/apis/web-api: arguments "as query
    # string parameters or form-encoded POST body"); slack_sdk always POSTs. A method the
    # description lists for GET only (conversations.history) is checked against that operation.
    operation = operations.get(verb.lower()) or (operations.get("get") if verb == "POST" else None)
    if operation is None:
        return [f"{verb} /{method} is not in Slack's Web API description"]
    problems = []
    content_type = headers.get("content-type", "").split(";")[0].strip()
    if verb == "POST" and content_type not in operation.get("consumes", []):
        problems.append(f"content type {content_type!r} is not one of {operation['consumes']}")
    declared = {p["name"]: p for p in operation.get("parameters", [])}
    for name, param in declared.items():
        present = name in params or (name == "token" and "authorization" in headers)
        if param.get("required") and not present:
            problems.append(f"required parameter {name!r} is missing")
    for name, value in params.items():
        param = declared.get(name)
        if param is None:
            problems.append(f"unknown parameter {name!r}")
        elif not _typed(param.get("type"), name, value):
            problems.append(f"parameter {name!r} is not a {param.get('type')}: {value!r}")
    return problems


def _typed(kind: str | None, name: str, value: Any) -> bool:
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false", "1", "0")
    if kind == "string":
        return isinstance(value, str) or (name in JSON_ENCODED and isinstance(value, list | dict))
    if kind == "integer":
        return isinstance(value, int) or str(value).isdigit()
    return True


def _json(value: Any) -> Any:
    """A JSON-encoded parameter as sent in a form (a string) or in a JSON body (the value)."""
    return json.loads(value) if isinstance(value, str) else value


def check_metadata(params: dict[str, Any]) -> list[str]:
    if "metadata" not in params:
        return []
    try:
        metadata = _json(params["metadata"])
    except ValueError:
        return ["metadata is not JSON"]
    validator = jsonschema.Draft4Validator(METADATA_SCHEMA)
    return [f"metadata: {e.message}" for e in validator.iter_errors(metadata)]


def check_response(method: str, answer: dict[str, Any], verb: str = "POST") -> list[str]:
    operations = SPEC["paths"][f"/{method}"]
    schema = operations.get(verb.lower(), next(iter(operations.values())))["responses"]["200"]["schema"]
    validator = jsonschema.Draft4Validator({**schema, "definitions": SPEC["definitions"]})
    return [e.message for e in validator.iter_errors(answer)]


def _texts(node: Any) -> list[dict[str, Any]]:
    """Every text object under ``node``."""
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") in ("plain_text", "mrkdwn") else []
    return own + [t for value in node.values() for t in _texts(value)]


def check_blocks(params: dict[str, Any]) -> list[str]:
    """Slack's Block Kit limits (not in its Web API description)."""
    blocks = params.get("blocks") or []
    for attachment in params.get("attachments") or []:
        blocks = [*blocks, *attachment.get("blocks", [])]
    problems = []
    if len(params.get("blocks") or []) > 50:
        problems.append("more than 50 blocks")
    problems += [f"text over 3000 chars: {t['text'][:40]}" for t in _texts(blocks) if len(t["text"]) > 3000]
    for block in blocks:
        problems += _block_problems(block)
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    problems = []
    if len(str(block.get("block_id", ""))) > 255:
        problems.append("block_id over 255 chars")
    if block["type"] == "header" and len(block["text"]["text"]) > 150:
        problems.append("header over 150 chars")
    elements = block.get("elements", []) if block["type"] == "actions" else []
    if len(elements) > 25:
        problems.append("more than 25 elements in an actions block")
    for element in elements:
        if element["type"] == "button" and len(element["text"]["text"]) > 75:
            problems.append("button text over 75 chars")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"bad button style {element.get('style')!r}")
        if len(str(element.get("value", ""))) > 2000 or len(element["action_id"]) > 255:
            problems.append("button value or action_id too long")
    return problems


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.fake.handle(self.command, self.path, headers, body)
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **extra}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        return


def start() -> FakeSlack:
    fake = FakeSlack()
    handler = type("Handler", (_Handler,), {"fake": fake})
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    return fake


def stop(fake: FakeSlack) -> None:
    assert fake.server is not None
    fake.server.shutdown()
    fake.server.server_close()


AM_TOKEN = "s3cret-am-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_PEOPLE = {"camille": "U0CAMILLE", "david": "U0DAVID", "sofia": "U0SOFIA", "theo": "U0THEO"}


def slack_plan(db_url: str, fake: FakeSlack, **slack: Any) -> dict[str, Any]:
    """The staffed paging plan with Slack on, pointed at ``fake``, Camille and David mapped."""
    from tests.paging_plan import plan

    config = plan(db_url, console=True)
    for person, user in SLACK_PEOPLE.items():  # nora, hugo and inès are not on Slack
        config["people"][person]["slack_user_id"] = user
    config["sources"] = {"prom": {"kind": "alertmanager", "token": AM_TOKEN}}
    config["slack"] = {
        "bot_token": fake.token,
        "signing_secret": SIGNING_SECRET,
        "api_url": fake.base_url,
        "incident_channels": [],  # off unless a test turns it on (tests/services/test_slack_channels.py)
        **slack,
    }
    return config


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's v0 headers for ``body`` sent at ``timestamp`` (unix seconds)."""
    import hashlib
    import hmac

    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
