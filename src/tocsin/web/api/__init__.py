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

# Every integer a request carries is bounded in its schema (tests/web/test_input_bounds.py): a
# larger one is a 422 naming the field, not a database overflow. PostgreSQL's ``integer`` (ids,
# counts) ends here; its ``bigint`` (SQLite's integers, the job ids) at MAX_BIGINT.
MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1
