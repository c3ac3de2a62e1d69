"""A fake Twilio REST API on 127.0.0.1: Messages and Calls, as tocsin's channels use them.

Every request is validated with openapi-core against Twilio's own published description
(``tests/data/contracts/twilio-messages-calls.openapi.json``: path, method, form body, Basic
auth); every 2xx answer is validated against the same description, so a fake that drifts from
Twilio fails the test. Violations are recorded in ``errors`` and answered 400.

Answers are Twilio's documented ones: ``201`` with the Message or Call resource (``sid``,
``status`` queued); ``400`` with ``code``/``message``/``more_info``/``status`` for a bad number
(Twilio's magic test number ``+15005550001`` is "not a valid phone number", error 21211);
``401`` (error 20003) for a wrong account SID or auth token. ``down`` answers 503, ``script``
serves canned ``(status, body)`` answers first.

Twilio's side of the webhooks: ``status`` posts a message's or call's ``StatusCallback``,
``press`` posts the call's ``<Gather>`` action with ``Digits`` (read from the TwiML tocsin gave),
``reply`` posts an inbound SMS — each signed ``X-Twilio-Signature`` with the twilio library's
``RequestValidator.compute_signature`` for the public URL, and sent through any httpx client
(a ``TestClient`` of the app).
"""

from __future__ import annotations

import itertools
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from twilio.request_validator import RequestValidator
from werkzeug.wrappers import Request, Response

from tests import wsgi_server

SPEC = Path(__file__).resolve().parent / "data" / "contracts" / "twilio-messages-calls.openapi.json"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-never-logged"
FROM_NUMBER = "+33757000001"
INVALID_NUMBER = "+15005550001"  # Twilio's test number for "invalid phone number" (21211)
DATE = "Fri, 04 Dec 2026 03:00:00 +0000"


@cache
def _openapi(base_url: str) -> OpenAPI:
    spec = json.loads(SPEC.read_text())
    spec["servers"] = [{"url": base_url}]
    for item in spec["paths"].values():
        item.pop("servers", None)
    return OpenAPI.from_dict(spec)


@cache
def _form_fields() -> dict[str, frozenset[str]]:
    """Per resource (``Messages``, ``Calls``): the form parameters Twilio's create operation takes."""
    spec = json.loads(SPEC.read_text())
    fields = {}
    for path, item in spec["paths"].items():
        body = item.get("post", {}).get("requestBody")
        if body and path.endswith("s.json"):
            schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
            fields[path.rsplit("/", 1)[1].removesuffix(".json")] = frozenset(schema["properties"])
    return fields


def signature(url: str, params: dict[str, Any], token: str = AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


@dataclass
class Sent:
    kind: str  # "message" or "call"
    sid: str
    form: dict[str, list[str]]
    headers: dict[str, str]

    def one(self, name: str) -> str:
        [value] = self.form[name]
        return value


@dataclass
class FakeTwilio:
    base_url: str = ""
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: list[Sent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    down: bool = False
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what tests read ---------------------------------------------------------------------
    def messages(self) -> list[Sent]:
        return [s for s in self.sent if s.kind == "message"]

    def calls(self) -> list[Sent]:
        return [s for s in self.sent if s.kind == "call"]

    def find(self, sid: str) -> Sent:
        return next(s for s in self.sent if s.sid == sid)

    # --- serving -------------------------------------------------------------------------------
    def wsgi(self, environ: Any, start_response: Any) -> Iterator[bytes]:
        request = Request(environ)
        with self._lock:
            response = self._handle(request)
        return response(environ, start_response)  # type: ignore[no-any-return]

    def _handle(self, request: Request) -> Response:
        self.requests += 1
        if self.down:
            return Response("<html>Service Unavailable</html>", status=503, content_type="text/html")
        openapi = _openapi(self.base_url)
        try:
            openapi.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:
            cause = getattr(exc.__cause__, "schema_errors", exc.__cause__)
            self.errors.append(f"{request.method} {request.path}: {exc!r} {cause!r}")
            return _json(400, {"code": 20001, "message": f"contract violation: {exc}", "status": 400})
        resource = request.path.rsplit("/", 1)[-1].removesuffix(".json")
        unknown = sorted(set(request.form) - _form_fields().get(resource, frozenset()))
        if unknown:  # the description does not forbid extra fields; Twilio ignores them: a typo
            self.errors.append(f"{request.method} {request.path}: unknown parameters {unknown}")
            return _json(400, {"code": 20001, "message": f"unknown parameters {unknown}", "status": 400})
        if (
            request.authorization is None
            or (
                request.authorization.username,
                request.authorization.password,
            )
            != (self.account_sid, self.auth_token)
            or f"/Accounts/{self.account_sid}/" not in request.path
        ):
            return _json(401, _error(20003, "Authenticate", 401))
        if self.script:
            status, body = self.script.pop(0)
            return _json(status, body)
        form = {k: request.form.getlist(k) for k in request.form}
        kind = "message" if request.path.endswith("/Messages.json") else "call"
        to = form.get("To", [""])[0]
        if to == INVALID_NUMBER:
            return _json(400, _error(21211, f"The 'To' number {to} is not a valid phone number.", 400))
        sid = ("SM" if kind == "message" else "CA") + f"{next(self._ids):032x}"
        self.sent.append(Sent(kind, sid, form, dict(request.headers)))
        resource = self._message(sid, form) if kind == "message" else self._call(sid, form)
        response = _json(201, resource)
        try:
            openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        except Exception as exc:  # reported by the test through errors
            cause = getattr(exc.__cause__, "schema_errors", exc.__cause__)
            self.errors.append(f"answer to {request.method} {request.path}: {exc!r} {cause!r}")
        return response

    def _uri(self, kind: str, sid: str) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/{kind}/{sid}.json"

    def _message(self, sid: str, form: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": form["Body"][0],
            "date_created": DATE, "date_sent": None, "date_updated": DATE, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": form["From"][0], "messaging_service_sid": None,
            "num_media": "0", "num_segments": "1", "price": None, "price_unit": "USD", "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": self._uri("Messages", sid)[:-5] + "/Media.json"},
            "to": form["To"][0], "uri": self._uri("Messages", sid),
        }  # fmt: skip

    def _call(self, sid: str, form: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "sid": sid, "date_created": None, "date_updated": None, "parent_call_sid": None,
            "account_sid": self.account_sid, "to": form["To"][0], "to_formatted": form["To"][0],
            "from": form["From"][0], "from_formatted": form["From"][0], "phone_number_sid": None,
            "status": "queued", "start_time": None, "end_time": None, "duration": None, "price": None,
            "price_unit": "USD", "direction": "outbound-api", "answered_by": None,
            "api_version": "2010-04-01",
            "forwarded_from": None, "group_sid": None, "caller_name": None, "queue_time": "0",
            "trunk_sid": None, "uri": self._uri("Calls", sid), "subresource_uris": {},
        }  # fmt: skip

    # --- Twilio calling tocsin -------------------------------------------------------------------
    def post_signed(
        self, client: httpx.Client, url: str, params: dict[str, str], *, token: str | None = None
    ) -> httpx.Response:
        """POST ``params`` to ``url`` (the public URL Twilio was given) through ``client``, signed
        as Twilio signs it (``token``: sign with another token, as a forger would)."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"X-Twilio-Signature": signature(url, params, token or self.auth_token)}
        return client.post(target, data=params, headers=headers)

    def status(
        self, client: httpx.Client, sid: str, status: str, *, error_code: str | None = None
    ) -> httpx.Response:
        """Twilio's StatusCallback for a message (``MessageStatus``) or a call (``CallStatus``)."""
        sent = self.find(sid)
        common = {
            "AccountSid": self.account_sid,
            "From": sent.one("From"),
            "To": sent.one("To"),
            "ApiVersion": "2010-04-01",
        }
        if sent.kind == "message":
            params = {
                **common,
                "MessageSid": sid,
                "SmsSid": sid,
                "MessageStatus": status,
                "SmsStatus": status,
            }
        else:
            params = {
                **common, "CallSid": sid, "CallStatus": status, "Direction": "outbound-api",
                "Timestamp": DATE, "CallbackSource": "call-progress-events", "SequenceNumber": "0",
            }  # fmt: skip
        if error_code is not None:
            params["ErrorCode"] = error_code
        return self.post_signed(client, sent.one("StatusCallback"), params)

    def gather(self, sid: str) -> ET.Element:
        """The ``<Gather>`` of the call's TwiML."""
        root = ET.fromstring(self.find(sid).one("Twiml"))
        gather = root.find("Gather")
        assert gather is not None, "the call's TwiML has no <Gather>"
        return gather

    def press(self, client: httpx.Client, sid: str, digits: str) -> httpx.Response:
        """The callee pressed ``digits``: Twilio posts the Gather's action."""
        sent, gather = self.find(sid), self.gather(sid)
        params = {
            "AccountSid": self.account_sid, "CallSid": sid, "From": sent.one("From"), "To": sent.one("To"),
            "Called": sent.one("To"), "Caller": sent.one("From"), "Direction": "outbound-api",
            "CallStatus": "in-progress", "ApiVersion": "2010-04-01", "Digits": digits, "FinishedOnKey": "",
        }  # fmt: skip
        return self.post_signed(client, gather.attrib["action"], params)

    def reply(self, client: httpx.Client, url: str, from_number: str, body: str) -> httpx.Response:
        """An inbound SMS from ``from_number`` to the Twilio number, posted to ``url``."""
        sid = f"SM{next(self._ids):032x}"
        params = {
            "ToCountry": "FR", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
            "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
            "Body": body, "FromCountry": "FR", "To": FROM_NUMBER, "ToZip": "", "NumSegments": "1",
            "MessageSid": sid, "AccountSid": self.account_sid, "From": from_number,
            "ApiVersion": "2010-04-01",
        }  # fmt: skip
        return self.post_signed(client, url, params)


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


Server = wsgi_server.Server[FakeTwilio]


def serve() -> Server:
    """One server for the session; ``reset`` swaps in a fresh fake per test."""
    return wsgi_server.serve(lambda url: FakeTwilio(base_url=url))
