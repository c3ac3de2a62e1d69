"""The evidence locker for the composition root: its directory and Loki. Only ``bootstrap``
imports this module."""

from __future__ import annotations

from pathlib import Path

import httpx

from tocsin.adapters.evidence_files import EvidenceDirectory
from tocsin.adapters.loki import LokiHttp
from tocsin.config import Settings
from tocsin.services.security.evidence_ports import Locker


def build_locker(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> Locker:
    config = settings.security.evidence
    loki = LokiHttp(config.loki_url, transport=transport) if config.loki_url else None
    return Locker(
        store=EvidenceDirectory(Path(config.dir).expanduser().absolute()),
        max_bytes=config.max_bytes,
        loki=loki,
        loki_query=config.loki_query,
        page_limit=config.loki_page_limit,
    )
