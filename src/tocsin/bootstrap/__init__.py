"""The composition root: settings in, a ``Container`` out (``build``). Each feature's wiring
(adapters chosen from the settings) is one module here; web, cli and worker get what they need
from this package and never import adapters themselves."""

from tocsin.bootstrap.container import Container, build

__all__ = ["Container", "build"]
