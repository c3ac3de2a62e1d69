"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts.

aiosmtpd's ``Controller(port=0)`` cannot start (it probes the port it was given), so a free
port is picked first. ``stop()`` then ``start()`` again on the same port simulates an outage.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


class SmtpSink:
    def __init__(self, **server_kwargs: Any) -> None:
        self.port = free_port()
        self.collector = Collector()
        self._kwargs = server_kwargs
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port, **self._kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


def accept_user(user: str, password: str) -> Any:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


def self_signed(directory: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1 made with the openssl CLI, or None without it."""
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def client_context(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def smtp_settings(sink: SmtpSink, sender: str = "status@koprogo.com") -> dict[str, object]:
    """The ``notifications.email`` section of a configuration that sends to ``sink``."""
    return {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": sender}
