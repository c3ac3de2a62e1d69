"""Runbooks from a directory of Markdown files with YAML front matter:

    ---
    title: PostgreSQL is down
    alertname: [PostgreSQLDown, PostgreSQLReplicationLag]
    component: database
    ---
    # What to do …

Files are re-read when they change (by modification time), so editing a runbook needs no
restart. A file whose front matter is not valid YAML is skipped and named in ``errors``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml

from tocsin.domain.runbook import Runbook

MAX_BYTES = 256 * 1024


def _names(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value.strip()} - {""})
    if isinstance(value, list):
        return frozenset(str(v).strip() for v in value if str(v).strip())
    return frozenset()


def parse(relative: str, text: str) -> Runbook:
    """One runbook; raises ``ValueError`` naming the problem."""
    meta: dict[str, Any] = {}
    body = text
    if text.startswith("---"):
        head, sep, rest = text[3:].partition("\n---")
        if not sep:
            raise ValueError("front matter opened with --- is never closed")
        loaded = yaml.safe_load(head) or {}
        if not isinstance(loaded, dict):
            raise ValueError("front matter must be a mapping (title:, alertname:, component:, service:)")
        meta, body = loaded, rest.lstrip("\n").removeprefix("\n")
    title = str(meta.get("title") or "").strip() or _first_heading(body) or Path(relative).stem
    return Runbook(
        path=relative,
        title=title[:200],
        body=body,
        alertnames=_names(meta.get("alertname", meta.get("alertnames"))),
        components=_names(meta.get("component", meta.get("components"))),
        services=_names(meta.get("service", meta.get("services"))),
    )


def _first_heading(body: str) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


class RunbookDirectory:
    """The runbooks of one directory (``*.md``, recursively), cached by modification time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, tuple[float, Runbook | str]] = {}
        self._lock = threading.Lock()

    def all(self) -> list[Runbook]:
        return [r for r in self._load() if isinstance(r, Runbook)]

    def errors(self) -> list[str]:
        return [r for r in self._load() if isinstance(r, str)]

    def _load(self) -> list[Runbook | str]:
        if not self.root.is_dir():
            return [f"{self.root}: not a directory"]
        found: list[Runbook | str] = []
        with self._lock:
            files = sorted(p for p in self.root.rglob("*.md") if p.is_file())
            for path in files:
                found.append(self._one(path))
            self._cache = {p: v for p, v in self._cache.items() if p in set(files)}
        return found

    def _one(self, path: Path) -> Runbook | str:
        relative = path.relative_to(self.root).as_posix()
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        result: Runbook | str
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValueError(f"larger than {MAX_BYTES // 1024} KiB")
            result = parse(relative, path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
            result = f"{relative}: {str(exc).splitlines()[0]}"
        self._cache[path] = (mtime, result)
        return result
