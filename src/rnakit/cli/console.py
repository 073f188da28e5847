"""Where the CLI prints: tables to stdout, errors as one line to stderr."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    """One line, starting with ``error:``, on stderr."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


class _Silent:
    """Stands in for a Rich status under --quiet: same calls, no output."""

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, *args: object, **kwargs: object) -> None:
        return None


def status(message: str, *, quiet: bool = False) -> Any:
    """A spinner with ``message`` on stderr, or nothing under ``--quiet``."""
    return _Silent() if quiet else err.status(message)
