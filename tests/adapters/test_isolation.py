"""The HTTP caller: one request, a deadline on the whole exchange (a server that trickles its
answer is cut at the timeout), a refused connection reported without the request's headers."""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.live_server import free_port
from tocsin.adapters.isolation import HttpCaller
from tocsin.domain.isolation import CONNECTION, TIMEOUT, Request


@pytest.fixture
def trickling():
    def app(environ, start_response):
        def slowly():
            for _ in range(30):
                time.sleep(0.2)
                yield b"."

        return Response(slowly(), status=200)(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def test_a_server_that_trickles_is_cut_at_the_timeout(trickling):
    started = time.monotonic()
    outcome = HttpCaller().call(Request("GET", f"{trickling}/flag"), timeout=1.0)
    assert outcome.error == TIMEOUT
    assert time.monotonic() - started < 2.5  # not the server's 6 s


def test_a_refused_connection_names_the_reason_not_the_request():
    request = Request(
        "POST", f"http://127.0.0.1:{free_port()}/rules", (("Authorization", "Bearer tok-secret"),)
    )
    outcome = HttpCaller().call(request, timeout=2.0)
    assert (outcome.error, outcome.status) == (CONNECTION, None)
    assert outcome.detail == "Connection refused"
