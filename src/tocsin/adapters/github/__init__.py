"""GitHub's REST API (api.github.com or a GitHub Enterprise server) over plain httpx."""
