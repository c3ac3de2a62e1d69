"""tocsin's configuration: the incident response plan and how this deployment runs.

``load_settings(os.environ)`` reads ``tocsin.yaml`` (path in ``TOCSIN_CONFIG``), lays
``TOCSIN_<SECTION>__<KEY>`` variables over it and the plan's defaults under it, and returns a
frozen ``Settings`` or raises ``ConfigError`` naming file, line and field of every problem.
``check(settings)`` lists what is valid but likely a mistake. Nothing is read at import time.
"""

from __future__ import annotations

from tocsin.config.checks import check
from tocsin.config.directory import PersonSettings, RoleSettings, ScheduleSettings, TeamSettings
from tocsin.config.environ import CONFIG_VARIABLE
from tocsin.config.errors import ConfigError
from tocsin.config.loader import load_settings, load_settings_file
from tocsin.config.schema import Settings
from tocsin.config.sections import (
    DatabaseSettings,
    GdprSettings,
    LoggingSettings,
    ServerSettings,
    WorkerSettings,
)
from tocsin.config.severities import SeveritySettings

__all__ = [
    "CONFIG_VARIABLE",
    "ConfigError",
    "DatabaseSettings",
    "GdprSettings",
    "LoggingSettings",
    "PersonSettings",
    "RoleSettings",
    "ScheduleSettings",
    "ServerSettings",
    "Settings",
    "SeveritySettings",
    "TeamSettings",
    "WorkerSettings",
    "check",
    "load_settings",
    "load_settings_file",
]
