"""What every ``moderation`` command shares: error reporting, input options, output streams.

stdout carries data only (JSONL or CSV records); progress, summaries and errors go to stderr.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from moderation.errors import ModerationError
from moderation.exit_codes import ExitCode
from moderation.identity import WINDOW
from moderation.ingest import FORMATS
from moderation.ingest.session import InputSession
from moderation.ingest.textio import MAX_LINE_BYTES

F = TypeVar("F", bound=Callable[..., Any])


def package_version() -> str:
    try:
        return version("moderation")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


class ReportedError(click.ClickException):
    """A ModerationError shown as one line on stderr, with exit code 1."""

    exit_code = ExitCode.ERROR


def reports_errors(fn: F) -> F:
    """Turn library errors into one-line messages instead of tracebacks."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ModerationError as err:
            raise ReportedError(str(err)) from None
        except BrokenPipeError:  # `moderation ingest ... | head`
            sys.stderr.close()
            sys.exit(ExitCode.OK)
        except OSError as err:  # an output or rejects file that cannot be created or written (disk full)
            where = f"{err.filename}: " if err.filename else ""
            raise ReportedError(f"{where}{err.strerror or err}") from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(ExitCode.INTERRUPTED)

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class Inputs:
    """The sources a command was given and how to read them (the shared input options, as one value)."""

    paths: tuple[str, ...]
    fmt: str | None
    articles: str | None
    encoding: str
    skip_invalid: bool
    rejects: str | None
    max_line_bytes: int = MAX_LINE_BYTES

    def session(self, output: str | None, *, window: int | None = WINDOW) -> InputSession:
        """A reading session whose rejects file defaults to sit beside ``output``.

        ``window``: how many recent keys the duplicate check remembers (None: all, for the review queue).
        """
        return InputSession(
            self.paths,
            fmt=self.fmt,
            articles=self.articles,
            encoding=self.encoding,
            skip_invalid=self.skip_invalid,
            rejects=self.rejects,
            output=output,
            window=window,
            max_line_bytes=self.max_line_bytes,
        )


def input_options(fn: F) -> F:
    """Options every command that reads comment sources shares, handed to the command as ``inputs``."""

    @functools.wraps(fn)
    def with_inputs(paths, fmt, articles, encoding, skip_invalid, rejects, max_line_bytes, **kwargs: Any) -> Any:
        return fn(inputs=Inputs(paths, fmt, articles, encoding, skip_invalid, rejects, max_line_bytes), **kwargs)

    decorators = [
        click.argument("paths", nargs=-1, required=True, metavar="PATH..."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="Reader to use for every PATH (default: from the extension; `-` is JSONL).",
        ),
        click.option(
            "--articles",
            type=click.Path(exists=True, dir_okay=False),
            help="JSONL or CSV file of articles (id, title, text) that comments refer to by article_id.",
        ),
        click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the inputs."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Keep going past malformed records and write each one, with its reason, to the rejects file.",
        ),
        click.option(
            "--rejects",
            type=click.Path(dir_okay=False, writable=True),
            help="Where --skip-invalid writes rejected records (default: OUTPUT.rejects.jsonl or ./rejects.jsonl).",
        ),
        click.option(
            "--max-line-bytes",
            type=click.IntRange(min=1),
            default=MAX_LINE_BYTES,
            show_default=True,
            help="Longest input line read; a longer one is a malformed record naming its line, never read whole.",
        ),
    ]
    wrapped: Any = with_inputs
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped


@contextmanager
def output_stream(path: str | None) -> Iterator[IO[str]]:
    """The output file, or stdout for none or `-`."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        yield stream
