"""The versioned REST API.

Routers carry the full prefix themselves (``/api/v1/...``) rather than receiving it from
``include_router``: the route template a request matched (``scope["route"].path``) is then the
full template, which is what logs and metrics label requests with.
"""

API_PREFIX = "/api/v1"

# The largest legitimate body (a 10,000-character note, an impact with 200 labels) is well
# under this; a bigger one is refused (413) before it is read into memory. Set per router, not
# on the app: the app-level limit answers before the error handlers and the request log.
MAX_BODY_BYTES = 256 * 1024
