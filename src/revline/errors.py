"""The error hierarchy. Every error revline raises on purpose is a :class:`RevlineError`.

Errors carry their inputs and a way out: the value received, what is valid, and, for data
problems, the file, row, column and example ids (../shared/STYLE.md point 6).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RevlineError(Exception):
    """Base class of every error revline raises on purpose.

    ``hint`` says how to fix the problem; interfaces print ``str(error)`` without a stack trace.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  Fix: {hint}")


class ConfigError(RevlineError):
    """A setting, mapping file or declaration is invalid."""


class SchemaError(RevlineError):
    """The canonical schema was asked for something it does not declare."""


class WarehouseError(RevlineError):
    """The warehouse cannot be opened, created or written."""


class SourceFileError(RevlineError):
    """A source file cannot be read at all (truncated, wrong encoding, wrong delimiter, ...).

    Nothing is written to the warehouse when this is raised.
    """

    def __init__(self, path: str, problem: str, *, hint: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}", hint=hint)


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The closest match to ``value`` among ``choices``, for "did you mean" messages."""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return matches[0] if matches else None


def unknown(kind: str, value: str, choices: Iterable[str]) -> str:
    """A message for an unknown name: what was received, the closest match, and what is valid."""
    options = sorted(choices)
    suggestion = closest(value, options)
    did_you_mean = f" Did you mean {suggestion!r}?" if suggestion else ""
    return f"Unknown {kind} {value!r}.{did_you_mean} Valid: {', '.join(options)}."
