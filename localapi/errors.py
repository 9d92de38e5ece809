"""The error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A call that Telegram would refuse; turned into an error answer by the server."""

    def __init__(
        self, code: int, description: str, *, retry_after: int | None = None, injected: bool = False
    ) -> None:
        super().__init__(description)
        self.injected = injected  # answered by a fault a test injected, not by a rule
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int, *, injected: bool = False) -> ApiError:
    description = f"Too Many Requests: retry after {retry_after}"
    return ApiError(429, description, retry_after=retry_after, injected=injected)


class LostResponse(Exception):  # noqa: N818 - an event injected by a test, not a programming error
    """The call took effect but its answer is lost: the server drops the connection instead."""
