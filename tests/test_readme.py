"""The README's first-hour snippets ("Using it": the API with curl, then the same from the CLI)
are a script: run as written, top to bottom, twice in a row, against a running tocsin on the
demo configuration. Only what a reader's machine differs in is replaced: the port, the
database file and where the ``tocsin`` script lives."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def first_hour_script() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using it") : text.index("### Web UI")]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 2, "the section should hold the API block and the CLI block"
    return "\n".join(blocks)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's snippets use curl")
def test_the_readme_snippets_run_twice(tmp_path):
    port = free_port()
    bindir = str(Path(sys.executable).parent)
    script = first_hour_script().replace(":8080", f":{port}").replace(".venv/bin/", f"{bindir}/")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
    env.update(
        TOCSIN_CONFIG=str(ROOT / "examples" / "demo.yaml"),
        TOCSIN_DATABASE__URL=f"sqlite:///{tmp_path / 'tocsin.db'}",
        TOCSIN_SERVER__PORT=str(port),
        TOCSIN_SERVER__BASE_URL=f"http://127.0.0.1:{port}",
    )
    tocsin = [sys.executable, "-m", "tocsin"]
    subprocess.run([*tocsin, "db", "upgrade"], check=True, cwd=ROOT, env=env, capture_output=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([*tocsin, "serve"], cwd=ROOT, env=env, stdout=sink, stderr=sink)
    try:
        for _ in range(150):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        for run in (1, 2):
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert done.returncode == 0, f"run {run}:\n{done.stdout}\n{done.stderr}\n{log.read_text()}"
            assert '"kind":"acknowledged"' in done.stdout.replace(" ", "")
            assert "## Root Cause" in done.stdout  # the Incident Report
    finally:
        server.terminate()
        server.wait(timeout=10)
