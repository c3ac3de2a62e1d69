"""Isolation actions for the composition root: the settings' actions behind the HTTP caller.
Only ``bootstrap`` (and tests) import this module."""

from __future__ import annotations

import httpx

from tocsin.adapters.isolation import HttpCaller
from tocsin.config import Settings
from tocsin.services.security.isolation_ports import Isolation


def build_isolation(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> Isolation | None:
    actions = settings.security.isolation.to_domain()
    if not actions:
        return None
    return Isolation(caller=HttpCaller(transport=transport), actions={a.key: a for a in actions})
