"""How long the ``tocsin`` command takes to answer, against a bare ``python -c pass`` measured in
the same run (the ratio is what tocsin adds to starting Python at all).

Each command runs ``N`` times in a fresh process; the median is kept. ``tocsin --help`` goes
through the lazy root (no command module imported); ``incident ls`` and ``config check`` load
one command's module, the settings and (for ``ls``) the database layer, on a SQLite file
migrated before the runs.

    python bench/cli.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "tocsin" / "documents" / "demo.yaml"


def median_seconds(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TOCSIN_CONFIG": str(DEMO),
            "TOCSIN_DATABASE__URL": f"sqlite:///{Path(tmp) / 'tocsin.db'}",
        }
        tocsin = [python, "-m", "tocsin"]
        subprocess.run([*tocsin, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        bare = median_seconds([python, "-c", "pass"], env, runs)
        rows = [
            ("tocsin --help", median_seconds([*tocsin, "--help"], env, runs)),
            ("tocsin config check", median_seconds([*tocsin, "config", "check"], env, runs)),
            ("tocsin incident ls", median_seconds([*tocsin, "incident", "ls"], env, runs)),
        ]
    print(f"python -c pass          {bare * 1000:7.0f} ms  (baseline, median of {runs})")
    for name, seconds in rows:
        print(f"{name:<22}  {seconds * 1000:7.0f} ms  ratio {seconds / bare:5.1f}x the baseline")


if __name__ == "__main__":
    main()
