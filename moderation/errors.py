"""Typed errors: each carries a one-line message meant for the person at the keyboard."""

from __future__ import annotations


class ModerationError(Exception):
    """Base class for every error the CLI reports without a traceback."""

    title = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ModerationError):
    """A source file could not be read or holds a malformed record."""

    title = "bad input"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = path or ""
        if path and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message
        self.path = path
        self.line = line


class DatasetError(ModerationError):
    """A training corpus is missing or not in the expected shape."""

    title = "dataset"


class ModelError(ModerationError):
    """A model file is missing, untrusted, or made with another library version."""

    title = "model"


class StoreError(ModerationError):
    """The decisions database could not be opened or written."""

    title = "store"
