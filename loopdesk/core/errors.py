"""Domain errors. Web views and the API translate them; domain code never builds HTTP responses."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """Base class: carries a user-facing (lazily translated) message."""

    def __init__(self, message: str | Promise = "") -> None:
        super().__init__(str(message))
        self.message = message


class ValidationFailed(DomainError):
    """Bad input. `errors` maps a field path (e.g. "customer.phone") to user-facing messages."""

    def __init__(self, errors: dict[str, list[str | Promise]]) -> None:
        super().__init__("validation failed")
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str | Promise) -> ValidationFailed:
        return cls({field: [message]})


class NotAllowed(DomainError):
    """The actor may not do this (HTTP 403)."""


class NotFound(DomainError):
    """The object does not exist or the actor may not know it exists (HTTP 404)."""


class Conflict(DomainError):
    """The action is not possible in the complaint's current state (HTTP 409)."""
