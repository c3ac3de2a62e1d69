"""docs/architecture.md's walk of one alert names files and functions that exist, each file
once: the walk cannot silently drift away from the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tocsin"


def walk() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text()
    start = text.index("## The walk of one alert")
    return text[start : text.index("\n## ", start + 1)]


def test_every_file_of_the_walk_exists_and_its_steps_are_each_one_file():
    section = walk()
    files = re.findall(r"`([a-z_/]+\.py)`", section)
    assert len(files) >= 6
    assert [f for f in files if not (SRC / f).is_file()] == []
    assert sorted(f for f in set(files) if files.count(f) > 1) == []  # each file once
    steps = re.findall(r"^\d+\. `([a-z_/]+\.py)`", section, flags=re.MULTILINE)
    assert len(steps) == len(set(steps)) >= 5  # each step's file once


def test_the_names_of_the_walk_are_defined_in_the_files_it_names():
    section = walk()
    sources = {f: (SRC / f).read_text() for f in re.findall(r"`([a-z_/]+\.py)`", section)}
    named = {
        "web/intake.py": ["class HookFrontDoor", "def handle", "Gate"],
        "services/intake/receive.py": ["def source", "def parse", "def store"],
        "adapters/hooks.py": ["HOOK_KINDS ="],
        "services/intake/ingest.py": ["def ingest_in", "persist("],
        "domain/grouping.py": ["def route", "def open_group", "def absorb"],
        "domain/incident_title.py": ["def lead", "def title_of"],
        "domain/alert_effects.py": ["def severity", "def cleared"],
        "services/paging/escalation.py": ["def react"],
        "services/paging/notify.py": ["def announce", "def deliver"],
        "services/paging/timers.py": ["def fire_ack_deadline"],
        "adapters/channels/email.py": ["class EmailChannel", "def send"],
    }
    missing = [(f, name) for f, names in named.items() for name in names if name not in sources[f]]
    assert missing == []
