"""Waking the worker when work is enqueued, instead of leaving it to the next poll.

A unit of work that enqueued a job due now (or within ``queue.WAKE_HORIZON``) rings the
``Wakeup`` of its container once its transaction has committed: every worker of that process
subscribed to it (``subscribe``) claims at once, or sleeps until the job is due. On PostgreSQL
the commit also sends ``NOTIFY tocsin_jobs`` inside its transaction (so it is delivered only if
the commit succeeds), and each worker process keeps a ``Listener``: a connection of its own
that ``LISTEN``s and rings its own ``Wakeup`` when another process enqueued. The listener
reconnects after an outage (and rings once then: a notification sent meanwhile is lost).
Polling stays the safety net: a missed wake-up costs one poll interval.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.engine import Engine

from tocsin.adapters.db.engine import CONNECT_TIMEOUT_SECONDS

if TYPE_CHECKING:  # the driver loads only when a listener connects (SQLite never needs it)
    import psycopg

log = structlog.get_logger(__name__)

CHANNEL = "tocsin_jobs"
"""The PostgreSQL notification channel; the payload is the ``token`` of the sending process's
``Wakeup`` (its own listener skips it: that process was woken in memory already)."""

STOP_CHECK_SECONDS = 0.25
"""How often the listener looks at its stop flag."""


class Wakeup:
    """The in-process signal "jobs are due now", shared by a container's units of work (which
    ring it) and workers (which subscribe a callback that wakes them; it must not block)."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._lock = threading.Lock()
        self._bells: list[Callable[[], None]] = []
        self.rung = 0  # how many times: for tests and the benchmark

    def subscribe(self, bell: Callable[[], None]) -> None:
        with self._lock:
            self._bells.append(bell)

    def unsubscribe(self, bell: Callable[[], None]) -> None:
        with self._lock:
            if bell in self._bells:
                self._bells.remove(bell)

    def notify(self) -> None:
        with self._lock:
            self.rung += 1
            bells = list(self._bells)
        for bell in bells:
            bell()


class Listener:
    """``LISTEN tocsin_jobs`` on a connection of its own, in a daemon thread, ringing
    ``wakeup`` for notifications from other processes. Use as a context manager."""

    def __init__(
        self, engine: Engine, wakeup: Wakeup, *, retry_min: float = 0.5, retry_max: float = 10.0
    ) -> None:
        self._engine = engine
        self._wakeup = wakeup
        self._retry_min = retry_min
        self._retry_max = retry_max
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while a LISTEN connection is open

    def __enter__(self) -> Listener:
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="tocsin-listen", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _connect(self) -> psycopg.Connection[Any]:
        """A connection of its own (the engine's URL, outside its pool), autocommitting."""
        args, kwargs = self._engine.dialect.create_connect_args(self._engine.url)
        kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        import psycopg

        connection: psycopg.Connection[Any] = psycopg.connect(*args, **kwargs, autocommit=True)
        try:
            connection.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _listen(self) -> None:
        delay = self._retry_min
        reconnecting = False
        while not self._stop.is_set():
            try:
                connection = self._connect()
            except Exception as exc:
                log.warning("worker.listen_failed", error=f"{type(exc).__name__}: {exc}", retry_in=delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self._retry_max)
                reconnecting = True
                continue
            delay = self._retry_min
            self.listening.set()
            if reconnecting:  # what was enqueued while we were away rang nobody
                log.info("worker.listening_again")
                self._wakeup.notify()
            try:
                self._receive(connection)
            except Exception as exc:
                log.warning("worker.listen_lost", error=f"{type(exc).__name__}: {exc}")
                reconnecting = True
            finally:
                self.listening.clear()
                _close(connection)

    def _receive(self, connection: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for notice in connection.notifies(timeout=STOP_CHECK_SECONDS):
                if notice.payload != self._wakeup.token:
                    self._wakeup.notify()


def _close(connection: psycopg.Connection[Any]) -> None:
    with contextlib.suppress(Exception):  # already broken: nothing more to release
        connection.close()
