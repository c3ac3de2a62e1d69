"""The ``tocsin`` command line. Thin: parse, call one service, render."""

from __future__ import annotations

from tocsin.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
