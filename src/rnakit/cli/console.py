"""Where the CLI prints: tables to stdout, errors as one line to stderr."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    """One line, starting with ``error:``, on stderr."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
