"""``tocsin serve`` and ``tocsin worker``: the long-running processes."""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Annotated, Any, cast

import typer
import uvicorn
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tocsin.bootstrap.database import migrate
from tocsin.cli.runtime import build_container, fail, out, settings
from tocsin.config import Settings
from tocsin.config.secrets import secret_values
from tocsin.platform.logs import configure_logging
from tocsin.services.paging.contacts import seed_from_config
from tocsin.web.app import create_app
from tocsin.worker.runner import Worker


def _require_migrated(loaded: Settings) -> None:
    if not migrate.is_current(loaded.database.url):
        raise fail(
            f"the database is not at the current schema revision ({migrate.head()}): run `tocsin db upgrade`",
            7,
        )


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from config: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config: 8080).")] = None,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not run the embedded job worker.")
    ] = False,
) -> None:
    """Serve the API (and, unless --no-worker, run a job worker in the same process)."""
    loaded = settings()
    configure_logging(loaded.logging.level, loaded.logging.format, secret_values(loaded))
    _require_migrated(loaded)
    container = build_container(loaded)
    seed_from_config(container.services)  # people.<id>.contact -> contact_methods (source config)
    stop = threading.Event()
    worker_thread: threading.Thread | None = None
    if loaded.server.embedded_worker and not no_worker:
        worker = Worker(container)
        worker_thread = threading.Thread(
            target=worker.run,
            args=(stop, loaded.worker.poll_interval_seconds),
            name="tocsin-worker",
            daemon=True,
        )
        worker_thread.start()
    bind_host, bind_port = host or loaded.server.host, port or loaded.server.port
    out.print(
        f"tocsin listening on http://{bind_host}:{bind_port} (worker: {'on' if worker_thread else 'off'})"
    )
    try:
        run_server(create_app(container), bind_host, bind_port, loaded)
    finally:
        stop.set()
        if worker_thread:
            worker_thread.join(timeout=10)
        container.close()


def uvicorn_options(loaded: Settings) -> dict[str, Any]:
    """How uvicorn runs tocsin: our logging, and the client address taken from X-Forwarded-For
    only when the request comes from one of ``server.trusted_proxies``."""
    return {
        "log_config": None,
        "proxy_headers": True,
        "forwarded_allow_ips": list(loaded.server.trusted_proxies),
    }


def run_server(app: ASGIApp, host: str, port: int, loaded: Settings) -> None:
    """Serve ``app`` until SIGINT/SIGTERM with the configured engine (``server.engine``)."""
    if loaded.server.engine == "granian":
        _run_granian(app, host, port, loaded)
    else:
        uvicorn.run(app, host=host, port=port, **uvicorn_options(loaded))


def granian_app(app: ASGIApp, loaded: Settings) -> ASGIApp:
    """What granian runs: the app behind the same X-Forwarded-For rule as uvicorn's
    (believed only from ``server.trusted_proxies``)."""
    wrapped: Any = app  # uvicorn types ASGI more narrowly than Starlette; the protocol is one
    return cast(ASGIApp, ProxyHeadersMiddleware(wrapped, trusted_hosts=list(loaded.server.trusted_proxies)))


def _run_granian(app: ASGIApp, host: str, port: int, loaded: Settings) -> None:
    # in this process (the embedded worker thread and the container are shared, as with uvicorn)
    from granian.constants import Interfaces  # imported only when chosen
    from granian.server.embed import Server

    server = Server(
        granian_app(app, loaded), address=host, port=port, interface=Interfaces.ASGI, log_enabled=False
    )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.stop)
        await server.serve()

    asyncio.run(main())


def worker() -> None:
    """Run a job worker until SIGINT/SIGTERM (run as many as you like, on PostgreSQL)."""
    loaded = settings()
    configure_logging(loaded.logging.level, loaded.logging.format, secret_values(loaded))
    _require_migrated(loaded)
    container = build_container(loaded)
    seed_from_config(container.services)  # people.<id>.contact -> contact_methods (source config)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    out.print("tocsin worker running; Ctrl-C to stop")
    try:
        Worker(container).run(stop, loaded.worker.poll_interval_seconds)
    finally:
        container.close()
