"""The captured Alertmanager payloads of tests/data (see tests/data/README.md), loaded as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "data"
ALERTMANAGER = FIXTURES / "alertmanager"


def am(name: str) -> dict[str, Any]:
    """``am("firing_PostgreSQLDown")`` -> the body of ``am025_firing_PostgreSQLDown_*.json``."""
    (path,) = ALERTMANAGER.glob(f"am025_{name}*.json")
    return json.loads(path.read_text())


def am_raw(name: str) -> bytes:
    (path,) = ALERTMANAGER.glob(f"am025_{name}*.json")
    return path.read_bytes()


def all_alertmanager() -> list[Path]:
    return sorted(ALERTMANAGER.glob("*.json"))
