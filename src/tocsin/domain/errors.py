"""The domain's error tree; one place (``web/errors`` and the CLI) maps it to HTTP and exit codes.

DomainError
├── NotFound            the thing named does not exist (HTTP 404)
├── InvalidTransition   the command is not allowed in the current state (HTTP 409)
├── Conflict            the command clashes with concurrent or existing state (HTTP 409)
├── InvalidInput        the request is well-formed but its values are wrong (HTTP 422)
└── PermissionDenied    the actor's role does not allow the command (HTTP 403)
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain and services raise on purpose."""

    title = "Domain error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    title = "Not found"


class InvalidTransition(DomainError):
    title = "Invalid transition"


class Conflict(DomainError):
    title = "Conflict"


class InvalidInput(DomainError):
    title = "Invalid input"


class PermissionDenied(DomainError):
    title = "Forbidden"
