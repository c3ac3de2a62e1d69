"""One threaded loopback HTTP server for the providers' fakes (GitHub, Twilio, ntfy): started
once, with a fresh fake swapped in per test (``reset``) so the port stays the same."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from werkzeug.serving import make_server


class Fake(Protocol):
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
