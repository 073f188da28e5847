"""Errors raised for a user's bad input.

Every message names where the problem is (file, row or record, column or field) and what was
expected, so the CLI can print it as one line and exit non-zero without a traceback.
"""

from __future__ import annotations


class RnakitError(Exception):
    """Base class for every error caused by a user's input or request."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column  # as the user's file names it
        self.field = field  # the canonical name of that column, shown in brackets when it differs
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}" if isinstance(self.row, int) else f"record {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'" + (f" ({self.field})" if self.field not in (None, self.column) else ""))
        return f"{': '.join(where)}: {self.detail}" if where else self.detail


class InputFormatError(RnakitError):
    """A file is empty, truncated, or lacks a required column or field."""


class SequenceError(RnakitError):
    """A sequence holds a letter outside its alphabet or has an impossible length."""


class ValueRangeError(RnakitError):
    """A value is non-numeric, negative, out of range, or in an unknown unit."""


class DatasetNotFoundError(RnakitError):
    """A named dataset is unknown, or its files are not in the data directory."""


class MismatchError(RnakitError):
    """Two inputs that must correspond (e.g. truth and prediction ids) do not."""


class OutputError(RnakitError):
    """An output would overwrite an input or files rnakit did not write, or cannot be written there."""


class MissingExtraError(RnakitError):
    """A command or model needs an optional part of rnakit (an extra) that is not installed."""

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(f"{what} needs the [{extra}] extra: pip install 'rnakit[{extra}]'")
