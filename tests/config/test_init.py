from __future__ import annotations

import subprocess
import sys

import tocsin.config


def test_import_with_an_empty_environment_reads_nothing():
    code = "import tocsin.config as c; print(c.load_settings({}).server.port)"
    done = subprocess.run([sys.executable, "-c", code], env={}, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "8080", "")


def test_public_api():
    assert set(tocsin.config.__all__) >= {
        "ConfigError",
        "Settings",
        "check",
        "load_settings",
        "load_settings_file",
    }
