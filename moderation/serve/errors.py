"""Errors a client caused (or the server could not help), answered in Google's JSON error form.

Perspective clients read ``{"error": {"code", "message", "status"}}``: ``code`` is the HTTP status and
``status`` the canonical name Google APIs give it.
"""

from __future__ import annotations

from typing import TypedDict

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    408: "DEADLINE_EXCEEDED",
    413: "INVALID_ARGUMENT",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
"""HTTP status -> Google's status name. 405 and 413 have no canonical name of their own."""


class ErrorDetail(TypedDict):
    code: int
    message: str
    status: str


class ErrorBody(TypedDict):
    error: ErrorDetail


class ApiError(Exception):
    """A request answered with an error: ``code`` is the HTTP status, ``message`` says what to change."""

    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}

    @property
    def status(self) -> str:
        return STATUS_NAMES.get(self.code, "UNKNOWN")

    def body(self) -> ErrorBody:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


class Overloaded(ApiError):
    """More comments are waiting to be scored than the server will queue, or it is shutting down."""

    def __init__(self, message: str) -> None:
        super().__init__(503, message)
