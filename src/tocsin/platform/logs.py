"""Structured logs: one JSON object per line (for Loki), or readable console lines in a terminal.

Secrets never reach a log line, in three layers:

* tracebacks are plain Python tracebacks in both formats, **never with local variables** (the
  console renderer's default, rich, prints every frame's locals: a request's headers with them);
* ``redact`` replaces the value of any key that names a credential (``authorization``,
  ``cookie``, ``x-slack-signature``, ``bot_token``…), also inside nested mappings such as
  ``headers={…}``;
* the rendered line is scrubbed: every configured secret value (``configure_logging(...,
  secrets=config.secrets.secret_values(settings))``), and anything shaped like a credential
  (``Bearer …``, ``Basic …``, Slack ``xox?-`` and GitHub ``gh?_`` tokens, a URL's password,
  ``sha256=``/``v0=`` signatures, ``token=``/``password=`` parameters, the token of a page link
  ``/p/<token>``) become ``[redacted]``,
  wherever they appear (an exception message, a URL, a foreign library's line).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "signature",
    "cookie",
    "api_key",
    "apikey",
    "api-key",
    "credential",
    "csrf",
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=:-]{4,}"), rf"\1\2{REDACTED}"),
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{6,}"), REDACTED),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})"), REDACTED),
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), rf"\1{REDACTED}@"),
    (re.compile(r"\b(sha256=|v0=)[0-9a-fA-F]{32,}"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b((?:access_)?token|password|secret|api_key)=[^&\s\"']+"), rf"\1={REDACTED}"),
    (re.compile(r"(/p/)[A-Za-z0-9_-]{8,}"), rf"\1{REDACTED}"),  # a page's acknowledge/escalate link
)


def _secret_key(key: object) -> bool:
    lowered = str(key).lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _redact_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: REDACTED if _secret_key(k) else _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple) and all(isinstance(i, tuple) and len(i) == 2 for i in value):
        # header lists: [(name, value), …]
        return [(k, REDACTED if _secret_key(k) else v) for k, v in value]
    return value


def redact(_logger: object, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if _secret_key(key):
            event[key] = REDACTED
        else:
            event[key] = _redact_value(event[key])
    return event


class Scrubber:
    """Masks known secret values and credential-shaped text in a rendered line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        plain = {s for s in secrets if s}
        # as written, and as the JSON renderer escapes them (quotes, backslashes, non-ASCII)
        values = sorted(plain | {json.dumps(s)[1:-1] for s in plain}, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class ScrubbingFormatter(structlog.stdlib.ProcessorFormatter):
    def __init__(self, scrubber: Scrubber, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scrubber = scrubber

    def format(self, record: logging.LogRecord) -> str:
        return self.scrubber(super().format(record))


def configure_logging(level: str = "INFO", fmt: str = "json", secrets: Iterable[str] = ()) -> None:
    """Route structlog and the stdlib (uvicorn, alembic) through one renderer on stderr."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact,
    ]
    structlog.configure(
        # filter_by_level first: an event below the level costs one check, not the whole chain
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if fmt == "json":
        final.append(structlog.processors.format_exc_info)  # a plain traceback string, no locals
    handler.setFormatter(
        ScrubbingFormatter(Scrubber(secrets), processors=[*final, renderer], foreign_pre_chain=shared)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
