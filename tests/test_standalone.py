"""The repository stands alone: nothing it ships, tests or documents reads a sibling folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_tracked_file_names_a_folder_beside_the_checkout():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    needle = "../" + "shared"  # split so this file does not name it
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".json", ".png"} or not path.is_file():
            continue
        if needle in path.read_text(encoding="utf-8", errors="replace"):
            offenders.append(name)
    assert offenders == []
