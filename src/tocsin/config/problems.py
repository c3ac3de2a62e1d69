"""Turn validation errors into lines a person can act on: where, which field, what is wrong.

``tocsin.yaml:14: severities.P1.response_time: not a duration: 'soon' (write e.g. 15m, 1h…)``.
A value set by an environment variable is reported under the variable's name instead; a value
neither the file nor the environment set (a default) is reported by its dotted field alone.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel
from pydantic_core import ErrorDetails, ValidationError

from tocsin.config.environ import Overlay
from tocsin.config.fields import did_you_mean
from tocsin.config.schema import Loc, Settings, dotted
from tocsin.config.yamlfile import YamlFile

_SCALARS = (str, int, float, bool)
_SECRET_KEYS = frozenset({"token", "password", "hmac_secret"})


def locate(loc: Loc, message: str, source: YamlFile | None, overlay: Overlay) -> str:
    """One problem line, placed where the offending value most likely came from.

    The variable that set the value (or a parent) wins, as the environment wins over the file;
    otherwise the deeper match of the file line and the closest variable.
    """
    field = dotted(loc)
    body = f"{field}: {message}" if field else message
    variable = overlay.closest(loc)
    found = source.find(loc) if source is not None else None
    if variable is not None and (variable[2] or found is None or variable[1] > found[1]):
        return f"{variable[0]}: {body}"
    if source is not None and found is not None:
        return f"{source.name}:{found[0]}: {body}"
    return body


def describe(error: ErrorDetails) -> str:
    """The message for one pydantic error, reworded where pydantic's is vague."""
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1])
        hint = did_you_mean(str(loc[-1]), known) if known else ""
        if not hint and known:
            hint = f" (known keys: {', '.join(known)})"
        return f"unknown key{hint}"
    if kind == "missing":
        return "required, but not set"
    message = error["msg"]
    shown = error.get("input")
    secret = any("url" in str(part) for part in loc)  # database URLs carry passwords
    secret = secret or any(str(part) in _SECRET_KEYS for part in loc)
    if not kind.startswith("tocsin_") and isinstance(shown, _SCALARS) and not secret:
        message = f"{message}, got {shown!r}"
    return message


def validation_problems(exc: ValidationError, source: YamlFile | None, overlay: Overlay) -> list[str]:
    """One line per error, leaving out the follow-on errors inside an entry whose key is bad."""
    errors = exc.errors(include_url=False)
    bad_keys = [tuple(e["loc"][:-1]) for e in errors if e["loc"] and e["loc"][-1] == "[key]"]
    return [
        locate(tuple(error["loc"]), describe(error), source, overlay)
        for error in errors
        if not any(_strictly_under(tuple(error["loc"]), key) for key in bad_keys)
    ]


def _strictly_under(loc: Loc, prefix: Loc) -> bool:
    return len(loc) > len(prefix) and loc[: len(prefix)] == prefix and loc[-1] != "[key]"


def _known_keys(loc: Loc) -> list[str]:
    """The field names of the model found at ``loc`` (empty if ``loc`` is not a model)."""
    annotation: Any = Settings
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (dict, list):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to the type that has the fields."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation
