"""Process exit codes of the ``moderation`` command, documented in the README."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    """Bad input, a missing corpus, a model or store that cannot be used."""
    USAGE = 2
    """Wrong options or arguments (click's own code)."""
    INTERRUPTED = 130
