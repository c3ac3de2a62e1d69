"""`tocsin init DIR` and the wheel: a new user installs the package anywhere, writes a starter
configuration with fresh secrets, and serves /readyz from outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.live_server import free_port
from tocsin.cli import app
from tocsin.config import load_settings_file

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_init_writes_a_working_config_with_fresh_secrets(tmp_path):
    target = tmp_path / "ops"
    done = runner.invoke(app, ["init", str(target), "--port", "9123"])
    assert done.exit_code == 0, done.output
    config = target / "tocsin.yaml"
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    settings = load_settings_file(config)
    assert settings.server.port == 9123
    assert settings.database.url == f"sqlite:///{target.resolve() / 'var' / 'tocsin.db'}"
    assert settings.runbooks.dir == str(target.resolve() / "runbooks")
    assert (target / "runbooks" / "postgresql-down.md").exists()
    tokens = [s.token.get_secret_value() for s in settings.sources.values() if s.token]
    assert len(tokens) == 4
    assert all(len(t) >= 40 and "demo" not in t for t in tokens)
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert "exists already" in again.output
    second = runner.invoke(app, ["init", str(target), "--force"])
    assert second.exit_code == 0
    assert load_settings_file(config).sources["prometheus"].token.get_secret_value() not in tokens


@pytest.mark.slow
def test_the_wheel_installs_and_serves_outside_the_repository(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("tocsin-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this environment's site-packages (no network here); tocsin
    # itself only from the wheel: the checkout's editable hook is a .pth that is not read there.
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    site.mkdir(parents=True, exist_ok=True)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    home = tmp_path / "elsewhere"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
    where = subprocess.run(
        [str(python), "-c", "import tocsin, pathlib; print(pathlib.Path(tocsin.__file__).parent)"],
        check=True, capture_output=True, text=True, cwd=home, env=env,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(site), where
    port = free_port()
    tocsin = [str(python), "-m", "tocsin"]
    subprocess.run([*tocsin, "init", str(home / "ops"), "--port", str(port)], check=True, cwd=home, env=env)
    env["TOCSIN_CONFIG"] = str(home / "ops" / "tocsin.yaml")
    subprocess.run([*tocsin, "db", "upgrade"], check=True, cwd=home, env=env, capture_output=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([*tocsin, "serve"], cwd=home, env=env, stdout=sink, stderr=sink)
    try:
        status = None
        for _ in range(100):
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code
                if status == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert status == 200, log.read_text()
        page = httpx.get(f"http://127.0.0.1:{port}/status/", timeout=5)
        assert page.status_code == 200  # templates and static files came with the wheel
        french = httpx.get(f"http://127.0.0.1:{port}/status/", headers={"Accept-Language": "fr"}, timeout=5)
        assert "Composants" in french.text  # and the compiled French catalog
        assert httpx.get(f"http://127.0.0.1:{port}/static/tocsin.css", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    shutil.rmtree(dist)
