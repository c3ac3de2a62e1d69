"""The soak's deployment: a PostgreSQL database of its own, a plan file, an SMTP sink that
timestamps what it accepts, and ``tocsin serve --no-worker`` / ``tocsin worker`` processes.

Everything listens on 127.0.0.1; the database is created at the start and dropped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import load_settings_file
from tocsin.domain.access import Actor, Role
from tocsin.services.access.tokens import create_token

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("TOCSIN_SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SOURCE_TOKEN = "soak-alertmanager-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plan(db_url: str, smtp_port: int, response_seconds: int) -> dict[str, Any]:
    """The plan's P1 escalation (the SRE on call, then the Lead Engineer) with a short response
    time, so that an unacknowledged incident escalates within the soak."""
    people = {p: {"name": p.title(), "email": f"{p}@example.org"} for p in ("sofia", "theo", "camille")}
    return {
        "database": {"url": db_url},
        "logging": {"level": "WARNING"},
        "worker": {"poll_interval_seconds": 0.2, "batch_size": 20},
        "intake": {"max_in_flight": 256},
        "people": people,
        "roles": {"lead_engineer": {"members": ["camille"]}},
        "schedules": {
            "sre_oncall": {"timezone": "UTC", "starts_on": "2024-01-01", "participants": ["sofia", "theo"]}
        },
        "severities": {"P1": {"response_time": f"{response_seconds}s"}},
        "escalation": {"P1": {"steps": [{}, {"targets": ["role:lead_engineer"]}]}},
        "sources": {"soak": {"kind": "alertmanager", "token": SOURCE_TOKEN}},
        "notifications": {
            "console": False,
            "email": {
                "enabled": True,
                "host": "127.0.0.1",
                "port": smtp_port,
                "sender": "tocsin@example.org",
            },
        },
    }


@dataclass
class Cluster:
    db_url: str
    replicas: list[str]
    token: str
    mailbox: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def engine(self) -> sa.Engine:
        return sa.create_engine(make_url(self.db_url))

    def pages(self) -> list[tuple[str, str, float]]:
        """``(subject, to, monotonic arrival)`` of every message the SMTP sink accepted."""
        lines = self.mailbox.read_text(encoding="utf-8").splitlines()
        return [(m["subject"], m["to"], m["at"]) for m in map(json.loads, lines)]


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"a replica exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def cluster(
    replicas: int, workers: int, response_seconds: int, admin_url: str = ADMIN_URL
) -> Iterator[Cluster]:
    """A fresh database, ``replicas`` × ``tocsin serve --no-worker`` and ``workers`` ×
    ``tocsin worker``; all stopped and the database dropped on the way out."""
    admin = sa.create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"tocsin_soak_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    db_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="tocsin-soak-"))
    mailbox = folder / "mailbox.jsonl"
    mailbox.touch()
    smtp_port = free_port()
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "soak_sink.py"), str(smtp_port), str(mailbox)],
        stdout=subprocess.PIPE,
    )
    if sink.stdout is None or sink.stdout.readline().strip() != b"ready":
        raise RuntimeError("the SMTP sink did not start")
    config = folder / "tocsin.yaml"
    config.write_text(yaml.safe_dump(plan(db_url, smtp_port, response_seconds)))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(db_url)
        container = bootstrap.build(load_settings_file(config, {}))
        try:
            _, token = create_token(
                container.services, name="soak", role=Role.RESPONDER, by=Actor("soak", Role.ADMIN)
            )
        finally:
            container.close()
        env = {**os.environ, "TOCSIN_CONFIG": str(config), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
        env.pop("TOCSIN_DATABASE_URL", None)
        ports = [free_port() for _ in range(replicas)]
        for port in ports:
            cmd = [sys.executable, "-m", "tocsin", "serve", "--no-worker", "--port", str(port)]
            processes.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL))
        for _ in range(workers):
            processes.append(subprocess.Popen([sys.executable, "-m", "tocsin", "worker"], env=env))
        for port, process in zip(ports, processes, strict=False):
            _wait_ready(port, process)
        yield Cluster(db_url, [f"http://127.0.0.1:{p}" for p in ports], token, mailbox, processes)
    finally:
        for process in [*processes, sink]:
            process.terminate()
        for process in [*processes, sink]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if sink.stdout is not None:
            sink.stdout.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
