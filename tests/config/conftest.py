from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def plan_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a ``tocsin.yaml`` (dedented) and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "tocsin.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
