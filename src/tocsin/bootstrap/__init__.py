"""The composition root: settings in, a ``Container`` out (``build``). Each feature's wiring
(adapters chosen from the settings) is one module here, and ``database``/``formats`` hand the
entrypoints the few adapter tools they use directly: web, cli and worker never import adapters.

``Container`` and ``build`` load on first use, so importing a facade (``tocsin.bootstrap.database``)
does not load every adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.bootstrap.container import Container, build

__all__ = ["Container", "build"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tocsin.bootstrap import container

        return getattr(container, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
