"""A fake WAF on 127.0.0.1 for the isolation tests: it records every request (method, path,
headers, body) and answers with ``status`` after ``delay`` seconds. Also the settings of one
isolation action aimed at it, and the environment that holds its token."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tocsin.config import Settings
from tocsin.config.isolation import ENVIRON

TOKEN = "waf-s3cret-7f2a9c"
ENV = {"WAF_TOKEN": TOKEN}
CIDR_PATTERN = r"\d{1,3}(\.\d{1,3}){3}/\d{1,2}"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeWaf:
    url: str = ""
    status: int = 201
    delay: float = 0.0
    answer: str = '{"id": "rule-1"}'
    requests: list[Seen] = field(default_factory=list)

    def wsgi(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append(
            Seen(request.method, request.environ["RAW_URI"], dict(request.headers), request.get_data())
        )
        if self.delay:
            time.sleep(self.delay)
        return Response(self.answer, status=self.status, content_type="application/json")(
            environ, start_response
        )


@contextmanager
def running() -> Iterator[FakeWaf]:
    fake = FakeWaf()
    server = make_server("127.0.0.1", 0, fake.wsgi, threaded=True)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        thread.join(5)


def action(base_url: str, **changes: Any) -> dict[str, Any]:
    """``block_ip_range``: POST a JSON rule, undo with DELETE of the same range."""
    return {
        "label": "Block IP range",
        "description": "A WAF rule that drops traffic from one range.",
        "params": {"cidr": {"pattern": CIDR_PATTERN, "label": "CIDR", "example": "203.0.113.0/24"}},
        "method": "POST",
        "url": f"{base_url}/rules",
        "headers": {"Authorization": "Bearer ${WAF_TOKEN}"},
        "body": {"cidr": "{params.cidr}", "note": "tocsin incident {incident_id} ({severity})"},
        "timeout": "2s",
        "undo": {"method": "DELETE", "url": f"{base_url}/rules/{{params.cidr}}"},
        **changes,
    }


def settings_with(
    db_url: str, actions: dict[str, Any], environ: dict[str, str] | None = None, **extra: Any
) -> Settings:
    return Settings.model_validate(
        {"database": {"url": db_url}, "security": {"isolation": {"actions": actions}}, **extra},
        context={ENVIRON: ENV if environ is None else environ},
    )
