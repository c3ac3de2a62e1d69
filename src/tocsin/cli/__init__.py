"""The ``tocsin`` command line. Thin: parse, call one service, render.

``main`` (the script) goes through a lazy root that imports a command's module only when it
runs; ``tocsin.cli.application`` holds the full typer application, imported on first use of ``app``."""

from __future__ import annotations

from typing import Any


def main() -> None:
    from tocsin.cli.lazy import root

    root(prog_name="tocsin")


def __getattr__(name: str) -> Any:
    if name == "app":
        from tocsin.cli.application import app

        return app
    raise AttributeError(f"module 'tocsin.cli' has no attribute {name!r}")


__all__ = ["app", "main"]
