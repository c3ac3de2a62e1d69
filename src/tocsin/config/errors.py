"""The one error configuration loading raises: every problem found, one per line."""

from __future__ import annotations

from collections.abc import Iterable


class ConfigError(Exception):
    """The configuration cannot be used; ``str(err)`` lists every problem, one per line.

    Each line names where the bad value came from: ``tocsin.yaml:14: severities.P1.response_time:
    …`` for the file, ``TOCSIN_SERVER__PORT: server.port: …`` for an environment variable.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))
