"""The public status page under load: ``GET /status/`` from a real ``tocsin serve`` process
against nginx serving the same page exported by ``tocsin status export``, in the same run.

The page carries a P1 incident with two updates and three components with history. Each
figure is wrk's requests per second (keep-alive, loopback), bounded to DURATION seconds; both
servers run one process. Goal (issue 8): tocsin >= 0.3x nginx.

    python bench/statuspage.py [DURATION] [CONNECTIONS]
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock, SystemClock
from tocsin.adapters.db import migrate
from tocsin.config.loader import load_settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.incidents import incidents
from tocsin.services.statuspage import export as statuspage_export
from tocsin.services.statuspage import statuspage
from tocsin.web.statuspage.export import DirectorySite

CONFIG = """
statuspage:
  name: KoproGo Status
  components:
    login: {name: Login, group: Application}
    api: {name: API, group: Application}
    payments: {name: Payments}
"""
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} never answered")


def wrk(url: str, duration: int, connections: int) -> float:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if not match or "Non-2xx" in result.stdout:
        raise SystemExit(f"wrk failed on {url}:\n{result.stdout}")
    return float(match.group(1))


def populate(folder: Path) -> Path:
    """A database with a P1 and two updates; returns the exported site."""
    config = folder / "tocsin.yaml"
    config.write_text(CONFIG)
    env = {"TOCSIN_CONFIG": str(config), "TOCSIN_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    settings = load_settings(env)
    migrate.upgrade(settings.database.url)
    clock = ManualClock(SystemClock().now() - timedelta(minutes=10))
    container = bootstrap.build(settings, clock=clock)
    actor = Actor("bench", Role.ADMIN)
    svc = container.services
    incident = incidents.declare_incident(svc, title="Login fail", severity=Severity.P1, by=actor)
    clock.advance(timedelta(minutes=5))
    statuspage.post_status_update(
        svc,
        IncidentId(incident.id),
        status=UpdateStatus.INVESTIGATING,
        message="We are currently investigating issues with login functionality.",
        components=["login"],
        by=actor,
    )
    clock.advance(timedelta(minutes=5))
    statuspage.post_status_update(
        svc,
        IncidentId(incident.id),
        status=UpdateStatus.IDENTIFIED,
        message="The issue has been identified as a database connection problem.",
        by=actor,
    )
    site = folder / "site"
    statuspage_export.export(svc, DirectorySite(site), force=True)
    container.close()
    return site


def main(duration: int = 5, connections: int = 32) -> None:
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        raise SystemExit("needs wrk and nginx: apt-get install -y nginx wrk")
    folder = Path(tempfile.mkdtemp(prefix="tocsin-bench-status-"))
    folder.chmod(0o755)  # nginx workers run as an unprivileged user when started by root
    site = populate(folder)
    size = (site / "index.html").stat().st_size
    env = {
        **os.environ,
        "TOCSIN_CONFIG": str(folder / "tocsin.yaml"),
        "TOCSIN_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "TOCSIN_LOGGING__LEVEL": "WARNING",
    }
    tocsin_port, nginx_port = free_port(), free_port()
    conf = (HERE / "statuspage-nginx.conf").read_text()
    conf = conf.replace("@PORT@", str(nginx_port)).replace("@ROOT@", str(site)).replace("@TMP@", str(folder))
    (folder / "nginx.conf").write_text(conf)
    tocsin = str(Path(sys.executable).parent / "tocsin")
    servers = [
        subprocess.Popen(
            [tocsin, "serve", "--port", str(tocsin_port), "--no-worker"], env=env, stdout=subprocess.DEVNULL
        ),
        subprocess.Popen(
            ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)], stderr=subprocess.DEVNULL
        ),
    ]
    try:
        ours, theirs = f"http://127.0.0.1:{tocsin_port}/status/", f"http://127.0.0.1:{nginx_port}/"
        wait_for(ours)
        wait_for(theirs)
        assert "🟡" in httpx.get(ours).text
        assert "🟡" in httpx.get(theirs).text
        wrk(ours, 1, connections)  # warm-up
        figures = {
            "tocsin GET /status/": wrk(ours, duration, connections),
            "nginx GET / (exported)": wrk(theirs, duration, connections),
        }
        json_rate = wrk(ours + "api/v2/summary.json", duration, connections)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"Status page ({size} bytes), wrk {duration}s, {connections} connections, loopback, one process each"
    )
    for name, value in figures.items():
        print(f"  {name:<28} {value:9.0f} req/s")
    print(f"  {'tocsin GET summary.json':<28} {json_rate:9.0f} req/s")
    ratio = figures["tocsin GET /status/"] / figures["nginx GET / (exported)"]
    print(f"  ratio tocsin/nginx {ratio:.2f} (goal >= 0.30)")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
