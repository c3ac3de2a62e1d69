"""A fake Loki on 127.0.0.1: ``/loki/api/v1/query_range`` as Loki documents it (start
inclusive, end exclusive, at most ``limit`` entries per answer across streams, ``direction``
forward or backward), answering ``{"status": "success", "data": {"resultType": "streams",
"result": [{"stream": {...}, "values": [["<ns>", "line"], ...]}]}}``. Every call is logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class FakeLoki:
    entries: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)
    fail_with: int = 0

    def add(self, ts: int, line: str, **labels: str) -> None:
        self.entries.append((ts, labels, line))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path != "/loki/api/v1/query_range":
            return Response("not found", 404)(environ, start_response)
        args = {k: request.args[k] for k in request.args}
        self.calls.append(args)
        if self.fail_with:
            return Response("too many outstanding requests", self.fail_with)(environ, start_response)
        start, end, limit = int(args["start"]), int(args["end"]), int(args.get("limit", "100"))
        chosen = sorted((e for e in self.entries if start <= e[0] < end), key=lambda e: e[0])
        if args.get("direction", "backward") == "backward":
            chosen = chosen[::-1]
        streams: dict[str, dict[str, Any]] = {}
        for ts, labels, line in chosen[:limit]:
            key = json.dumps(labels, sort_keys=True)
            streams.setdefault(key, {"stream": labels, "values": []})["values"].append([str(ts), line])
        body = {"status": "success", "data": {"resultType": "streams", "result": list(streams.values())}}
        return Response(json.dumps(body), 200, content_type="application/json")(environ, start_response)


@contextmanager
def running(loki: FakeLoki) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, loki, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
