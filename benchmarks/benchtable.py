"""The table every benchmark prints: one row per result, missing values as a dash."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table


def cell(value: object) -> str:
    """Floats to 3 decimals below 10 (else 1, with thousands separators); None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_rows(title: str, rows: Sequence[dict], columns: Sequence[str], text_columns: Sequence[str], width: int = 160) -> None:
    """Print ``rows`` under ``title``: ``text_columns`` left-aligned, the others right-aligned."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column in text_columns else "right")
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in columns])
    Console(width=width).print(table)
