"""The error answer of the local Zalo Bot API (``{"ok": false, "error_code": ..., "description": ...}``)
and the lost answer a test injects."""

from __future__ import annotations

from typing import Any


class ZaloError(Exception):
    def __init__(
        self, code: int, description: str, *, retry_after: int | None = None, injected: bool = False
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.injected = injected

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class LostResponse(Exception):  # noqa: N818 - an event a test injects
    """Delivered, then the connection drops before the answer."""
