"""Build ``Settings`` from the plan's defaults, ``tocsin.yaml`` and ``TOCSIN_*`` variables.

Layers, later wins: built-in defaults (the plan) < the file < the environment. The layers are
merged as plain data and validated once, so every problem is reported together, each with its
file line or variable name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tocsin.config.environ import CONFIG_VARIABLE, read_environ
from tocsin.config.errors import ConfigError
from tocsin.config.isolation import ENVIRON
from tocsin.config.merge import deep_merge
from tocsin.config.problems import locate, validation_problems
from tocsin.config.schema import DEFER_REFERENCES, Settings, reference_problems
from tocsin.config.yamlfile import YamlFile, read_yaml


def load_settings(environ: Mapping[str, str]) -> Settings:
    """The active settings: the file named by ``TOCSIN_CONFIG`` (if set) under ``TOCSIN_*``.

    Without ``TOCSIN_CONFIG`` only the built-in defaults and the environment apply. Raises
    ``ConfigError`` listing every problem.
    """
    path = environ.get(CONFIG_VARIABLE, "").strip()
    if not path:
        return _build(None, environ)
    if not Path(path).exists():
        raise ConfigError([f"{path}: no such file (named by {CONFIG_VARIABLE})"])
    return load_settings_file(path, environ)


def load_settings_file(path: str | Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the file at ``path`` (``tocsin config check FILE``), under ``environ``.

    ``environ`` defaults to none at all, so the check is about the file alone.
    """
    source = read_yaml(Path(path), name=str(path))
    if source.problems and not source.lines:
        raise ConfigError(source.problems)
    return _build(source, environ or {})


def _build(source: YamlFile | None, environ: Mapping[str, str]) -> Settings:
    overlay = read_environ(environ, sections=list(Settings.model_fields))
    problems = [*(source.problems if source else []), *overlay.problems]
    data: Any = deep_merge(source.data if source else {}, overlay.data)
    try:
        settings = Settings.model_validate(data, context={DEFER_REFERENCES: True, ENVIRON: environ})
    except ValidationError as exc:
        raise ConfigError([*problems, *validation_problems(exc, source, overlay)]) from None
    problems += [locate(loc, message, source, overlay) for loc, message in reference_problems(settings)]
    if problems:
        raise ConfigError(problems)
    return settings
