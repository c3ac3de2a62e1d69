"""The HTTP entrypoint: the REST API, health probes and metrics. Thin: parse, call one service, render."""
