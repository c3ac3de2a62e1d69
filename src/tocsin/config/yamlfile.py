"""Read ``tocsin.yaml`` and remember the line of every key, so errors can point at it.

The file is composed into PyYAML's node tree first (each node carries its position), then
constructed into plain data. The YAML 1.1 base-60 numbers are switched off: ``handoff: 9:00``
stays the text ``9:00`` instead of becoming the integer 540.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Key = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` without sexagesimal ints and floats."""


_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NUMBERS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


@dataclass
class YamlFile:
    """The file's data, the line (1-based) of each key path, and any problem found reading it."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[Key, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def find(self, loc: Key) -> tuple[int, int] | None:
        """``(line, depth)`` of ``loc`` or of its nearest ancestor present in the file."""
        folded = _fold(tuple(part for part in loc if part != "[key]"))
        for size in range(len(folded), 0, -1):
            found = self.lines.get(folded[:size])
            if found is not None:
                return found, size
        return None


def read_yaml(path: Path, *, name: str | None = None) -> YamlFile:
    """Parse ``path``; problems (unreadable, bad syntax, duplicate keys) go in ``.problems``."""
    result = YamlFile(name=name or str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        result.problems.append(f"{result.name}: no such file")
        return result
    except UnicodeDecodeError:
        result.problems.append(f"{result.name}: not UTF-8 text")
        return result
    except OSError as exc:
        result.problems.append(f"{result.name}: cannot read: {exc.strerror}")
        return result
    _parse(text, result)
    return result


def _parse(text: str, result: YamlFile) -> None:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{result.name}:{mark.line + 1}" if mark else result.name
        detail = "; ".join(part for part in (exc.context, exc.problem) if part)
        result.problems.append(f"{where}: YAML syntax error: {detail}")
        return
    except yaml.YAMLError as exc:
        result.problems.append(f"{result.name}: YAML syntax error: {exc}")
        return
    finally:
        loader.dispose()
    if node is None or data is None:
        return
    if not isinstance(data, dict):
        line = node.start_mark.line + 1
        result.problems.append(f"{result.name}:{line}: the file must be a mapping of sections (server:, …)")
        return
    result.data = data
    _index(node, (), result)


def _index(node: yaml.Node, path: Key, result: YamlFile) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a key no setting can have; validation reports it
            key, line = str(key_node.value).casefold(), key_node.start_mark.line + 1
            if key in seen:
                dotted = ".".join(str(p) for p in (*path, key_node.value))
                result.problems.append(
                    f"{result.name}:{line}: {dotted}: duplicate key (first at line {seen[key]})"
                )
                _forget((*path, key), result)  # YAML keeps the last one; so do the lines
            seen[key] = line
            result.lines[(*path, key)] = line
            _index(value_node, (*path, key), result)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            result.lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), result)


def _forget(prefix: Key, result: YamlFile) -> None:
    for key in [k for k in result.lines if k[: len(prefix)] == prefix]:
        del result.lines[key]


def _fold(key: Key) -> Key:
    return tuple(part.casefold() if isinstance(part, str) else part for part in key)
