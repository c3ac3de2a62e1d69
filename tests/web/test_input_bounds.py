"""Every integer a request can carry is bounded in the schema, so an absurd number is a 422
naming the field, never a database overflow (a 500): PostgreSQL's ``integer`` ends at 2**31-1,
SQLite's and ``bigint`` at 2**63-1, and Python cannot even read a JSON integer of more than
4,300 digits. The OpenAPI document states each bound."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from fastapi.openapi.utils import get_openapi
from fastapi.routing import RouteContext, iter_route_contexts

BIGINT = 2**63 - 1


class _Shown(RouteContext):
    """A route as published in the schema, even one that is not (the UI's, the webhooks')."""

    @property
    def include_in_schema(self) -> bool:
        return True


def _every_route_schema(app) -> dict[str, Any]:
    """The OpenAPI document of every route, the UI's and the webhooks' (not published) too."""
    routes = [
        _Shown(**{f.name: getattr(context, f.name) for f in dataclasses.fields(context)})
        for context in iter_route_contexts(app.routes)
    ]
    return get_openapi(title="every route", version="1", routes=routes)


def _integers(
    schema: Any, components: dict[str, Any], where: str, seen: set[str]
) -> Iterator[tuple[str, dict]]:
    if isinstance(schema, list):
        for item in schema:
            yield from _integers(item, components, where, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            yield from _integers(components[name], components, f"{where}->{name}", seen | {name})
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        yield from _integers(schema.get(key, []), components, where, seen)
    for key in ("items", "additionalProperties"):
        yield from _integers(schema.get(key), components, where, seen)
    for name, prop in (schema.get("properties") or {}).items():
        yield from _integers(prop, components, f"{where}.{name}", seen)


def _request_integers(document: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    components = document.get("components", {}).get("schemas", {})
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
                yield from _integers(parameter.get("schema"), components, where, set())
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                yield from _integers(media.get("schema"), components, f"{method.upper()} {path} body", set())


def test_every_integer_of_every_request_is_bounded_in_the_schema(app):
    found = list(_request_integers(_every_route_schema(app)))
    unbounded = [
        where
        for where, schema in found
        if ("minimum" not in schema and "exclusiveMinimum" not in schema)
        or not isinstance(schema.get("maximum"), int | float)
        or schema["maximum"] > BIGINT
    ]
    assert len(found) > 20  # the walk does reach the integers
    assert unbounded == [], "\n".join(unbounded)
