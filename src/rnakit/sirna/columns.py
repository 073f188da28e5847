"""Which column of a user's CSV/TSV holds what: kept apart from the readers (pandas) so the command
line can build its options without importing them."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ColumnOptions:
    """How to read a user's own CSV/TSV: which column holds what (None = absent)."""

    guide_col: str | None = None
    passenger_col: str | None = None
    transcript_col: str | None = None
    context_col: str | None = None
    label_col: str | None = None
    label_kind: str = "remaining"
    gene_col: str | None = None
    group_col: str | None = None
    id_col: str | None = None
    concentration_col: str | None = None
    concentration_unit: str | None = None
    hours_col: str | None = None
    cell_line_col: str | None = None

    def given(self) -> bool:
        """True when any column mapping was given (so a file is read as a generic table)."""
        defaults = ColumnOptions()
        return any(getattr(self, f.name) != getattr(defaults, f.name) for f in fields(self))
