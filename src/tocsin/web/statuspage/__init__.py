"""The public status page: HTML at ``/status/``, Statuspage v2 JSON at ``/status/api/v2/``,
served from an in-memory render cache (see ``cache``)."""
