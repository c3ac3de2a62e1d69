"""``TOCSIN_<SECTION>__<KEY>`` environment variables, read into a nested mapping.

``TOCSIN_SEVERITIES__P1__RESPONSE_TIME=30m`` -> ``{"severities": {"p1": {"response_time":
"30m"}}}``. Keys are lowercased here and matched case-insensitively when merged, so ``P1`` and
``p1`` are the same key. Values stay strings; the schema parses them (``"9000"`` -> 9000,
``"alice,bob"`` -> a list). ``TOCSIN_CONFIG`` names the file and is no setting;
``TOCSIN_DATABASE_URL`` is the conventional spelling of ``TOCSIN_DATABASE__URL``. Other
``TOCSIN_*`` variables without ``__`` are ignored unless they start with a section name, as in
``TOCSIN_SERVER_PORT``: that is a typo, reported rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "TOCSIN_"
CONFIG_VARIABLE = "TOCSIN_CONFIG"
ALIASES = {"TOCSIN_DATABASE_URL": ("database", "url")}


@dataclass
class Overlay:
    """The settings found in the environment, and which variable set each path."""

    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[tuple[str, ...], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def closest(self, loc: tuple[str | int, ...]) -> tuple[str, int, bool] | None:
        """``(variable, shared depth, set it)``: the variable that set ``loc`` or a parent of it,
        else the one sharing the longest path with it.

        A missing ``people.bob.email`` thus points at ``TOCSIN_PEOPLE__BOB__NAME``, the variable
        that brought ``bob`` into existence.
        """
        folded = tuple(str(part).casefold() for part in loc if part != "[key]")
        best: tuple[str, int, bool] | None = None
        for path, name in self.origins.items():
            if folded[: len(path)] == path:
                return name, len(path), True
            shared = _shared(path, folded)
            if shared and (best is None or shared > best[1]):
                best = name, shared, False
        return best


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def read_environ(environ: Mapping[str, str], sections: list[str]) -> Overlay:
    """Collect every ``TOCSIN_*`` setting of ``environ``; ``sections`` are the top-level keys."""
    overlay = Overlay()
    for name in sorted(environ):
        path = _path(name, sections, overlay.problems)
        if path is not None:
            _put(overlay, path, name, environ[name])
    return overlay


def _path(name: str, sections: list[str], problems: list[str]) -> tuple[str, ...] | None:
    upper = name.upper()
    if not upper.startswith(PREFIX) or upper == CONFIG_VARIABLE:
        return None
    if upper in ALIASES:
        return ALIASES[upper]
    rest = upper.removeprefix(PREFIX)
    if "__" not in rest:
        section = next((s for s in sections if rest == s.upper() or rest.startswith(f"{s.upper()}_")), None)
        if section is not None:
            problems.append(
                f"{name}: not a setting: write TOCSIN_<SECTION>__<KEY> with two underscores, "
                f"e.g. TOCSIN_{section.upper()}__<KEY>"
            )
        return None
    parts = tuple(part.lower() for part in rest.split("__"))
    if not all(parts):
        problems.append(f"{name}: empty key between '__' separators")
        return None
    return parts


def _put(overlay: Overlay, path: tuple[str, ...], name: str, value: str) -> None:
    where = ".".join(path)
    for size in range(1, len(path)):
        other = overlay.origins.get(path[:size])
        if other is not None:
            overlay.problems.append(f"{name}: conflicts with {other}, which sets {'.'.join(path[:size])}")
            return
    node = overlay.data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    current = node.get(path[-1])
    if isinstance(current, dict):
        overlay.problems.append(f"{name}: {where} is a section; set its keys one by one")
    elif path in overlay.origins and current != value:
        overlay.problems.append(f"{name}: conflicts with {overlay.origins[path]}, which sets {where}")
    else:
        node[path[-1]] = value
        overlay.origins.setdefault(path, name)
