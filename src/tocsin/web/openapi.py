"""The published OpenAPI document says what the API really answers on error.

Every error is an RFC 9457 problem (``application/problem+json``, ``web.errors``), including
the 422 of a request that fails validation, which FastAPI documents by default as its own
``HTTPValidationError`` in ``application/json``. ``document_problems`` corrects the document
once it is built: on every operation, 422 (validation; any query parameter may be refused,
see ``web.storable``) and 401 (every operation needs a token) are problems, and so is 404
on every operation with a path parameter (an unknown id). What a router declares itself
(403, 409, 413, …) is kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.schemas import Problem

_REF = "#/components/schemas/Problem"


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": _REF}}}}


def _fix(operation: dict[str, Any], *, has_path_parameters: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses["422"] = _problem("Invalid request: `errors` names each field at fault")
    responses.setdefault("401", _problem("No valid bearer token"))
    if has_path_parameters:
        responses.setdefault("404", _problem("No such resource"))


def document_problems(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
        for path, operations in document.get("paths", {}).items():
            for operation in operations.values():
                _fix(operation, has_path_parameters="{" in path)
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
