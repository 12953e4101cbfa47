"""User settings that override the model's defaults: flag thresholds from a TOML file or the command line.

A config file looks like::

    [thresholds]
    abuse = 0.7
    off_topic = 0.9
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from moderation.errors import InputError
from moderation.labels import LABELS


def _threshold(label: str, value: object, where: str) -> tuple[str, float]:
    if label not in LABELS:
        raise InputError(f"unknown label {label!r} in thresholds (labels: {', '.join(LABELS)})", path=where)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"threshold for {label} must be a number, not {value!r}", path=where) from None
    if not 0.0 <= number <= 1.0:
        raise InputError(f"threshold for {label} must be between 0 and 1, not {number}", path=where)
    return label, number


def load_thresholds(config: str | Path | None, overrides: Iterable[str] = ()) -> dict[str, float]:
    """Thresholds from the config file, then ``LABEL=VALUE`` overrides on top."""
    out: dict[str, float] = {}
    if config is not None:
        path = Path(config)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise InputError(f"cannot read config: {err.strerror}", path=str(path)) from None
        except tomllib.TOMLDecodeError as err:
            raise InputError(f"invalid TOML: {err}", path=str(path)) from None
        table = data.get("thresholds", {})
        if not isinstance(table, dict):
            raise InputError("[thresholds] must be a table of label = value", path=str(path))
        out.update(_threshold(k, v, str(path)) for k, v in table.items())
    for item in overrides:
        label, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--threshold expects LABEL=VALUE, got {item!r}", path="command line")
        out.update([_threshold(label.strip(), value.strip(), "command line")])
    return out


def load_reasons(config: str | Path | None) -> list[str] | None:
    """Removal reasons from the config's ``[review] reasons = [...]``, or None for the defaults."""
    if config is None:
        return None
    path = Path(config)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"cannot read config: {err}", path=str(path)) from None
    reasons = data.get("review", {}).get("reasons")
    if reasons is None:
        return None
    if not isinstance(reasons, list) or not all(isinstance(r, str) and r.strip() for r in reasons) or not reasons:
        raise InputError("[review] reasons must be a non-empty list of strings", path=str(path))
    return [r.strip() for r in reasons]
