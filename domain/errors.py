"""Errors the domain raises. Each carries a message key from the catalogs in ``locales/``
and the values to fill in, so that every front end can say it in the person's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken or an input is bad; ``key`` names the catalog message."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class PermissionDenied(DomainError):
    """The person may not do this."""


class NotFound(DomainError):
    """What was asked for does not exist."""
