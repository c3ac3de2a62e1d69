"""``/api/v1/docs``: the API explorer, from the vendored Swagger UI (``static/swagger-ui``), so
it works offline and under a Content-Security-Policy (``web/headers.DOCS_CSP``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tocsin.web.api import API_PREFIX

router = APIRouter(include_in_schema=False)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tocsin API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{API_PREFIX}/openapi.json"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get(f"{API_PREFIX}/docs")
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
