"""One threaded loopback HTTP server for the providers' fakes (GitHub, Twilio, ntfy): started
once, with a fresh fake swapped in per test (``reset``) so the port stays the same."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from werkzeug.serving import make_server


class Fake(Protocol):
    errors: list[str]
    """What the fake refused of the requests it received (its provider would have)."""

    def wsgi(self, environ: Any, start_response: Any) -> Iterator[bytes]: ...


F = TypeVar("F", bound=Fake)


@dataclass
class Server(Generic[F]):
    url: str
    fake: F
    stop: Callable[[], None]
    make: Callable[[str], F]

    def reset(self) -> F:
        """A fresh fake (nothing recorded) behind the same URL."""
        self.fake = self.make(self.url)
        return self.fake


def serve(make: Callable[[str], F]) -> Server[F]:
    """Serve ``make(url)`` on 127.0.0.1 on a free port, in a daemon thread."""
    holder: list[Server[F]] = []

    def app(environ: Any, start_response: Any) -> Iterator[bytes]:
        return holder[0].fake.wsgi(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)

    holder.append(Server(url, make(url), stop, make))
    return holder[0]


def running(serve: Callable[[], Server[F]]) -> Iterator[Server[F]]:
    """A fixture's body: the server ``serve`` starts, stopped at the end."""
    server = serve()
    yield server
    server.stop()


def fresh(server: Server[F]) -> Iterator[F]:
    """A fixture's body: a fresh fake behind ``server``, which must have refused no request."""
    fake = server.reset()
    yield fake
    assert fake.errors == []
