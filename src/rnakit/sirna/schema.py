"""The canonical siRNA table every reader produces and every later step consumes.

One row is one measurement: an siRNA duplex tested on a target under some conditions.
Strands are RNA (ACGU), 5'→3'. The label is ``remaining_pct``: % of target mRNA left
(lower = more potent), as in the SAIS 2024 competition; readers convert other conventions
with :func:`to_remaining_pct` and record the source convention in ``label_kind``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.alphabet import normalise_rna

#: column → meaning. Order is the canonical column order.
CANONICAL_COLUMNS: dict[str, str] = {
    "id": "row identifier (the competition's id, else '<dataset>:<row>')",
    "guide": "antisense (guide) strand 5'→3', RNA",
    "passenger": "sense (passenger) strand 5'→3', RNA; missing when the source does not give it",
    "guide_mods": "guide modification tokens in the competition vocabulary, one per nucleotide or linkage; None when unknown",
    "passenger_mods": "passenger modification tokens, as guide_mods",
    "transcript": "full target transcript 5'→3', RNA",
    "context": "local target window around the site, RNA",
    "transcript_id": "accession of the target transcript",
    "gene": "target gene symbol as given",
    "species": "species of the target",
    "concentration_nm": "siRNA concentration in nM",
    "hours": "time after transfection in hours",
    "transfection": "transfection method",
    "cell_line": "cell line or donor",
    "duplex": "duplex identifier",
    "publication": "publication or patent identifier",
    "group": "a user-given grouping key (e.g. an experiment), for grouped splits",
    "source": "dataset the row comes from",
    "remaining_pct": "label: % mRNA remaining (lower = more potent)",
    "label_kind": "label convention of the source: remaining, inhibition or fraction",
}

STRING_COLUMNS = (
    "id", "guide", "passenger", "transcript", "context", "transcript_id", "gene", "species",
    "transfection", "cell_line", "duplex", "publication", "group", "source", "label_kind",
)
FLOAT_COLUMNS = ("concentration_nm", "hours", "remaining_pct")
#: Key in a canonical table's ``attrs``: canonical column → the column of the user's file it came from.
SOURCE_COLUMNS = "source_columns"


class LabelKind(str, Enum):
    """How a source states efficacy."""

    remaining = "remaining"  # % mRNA remaining (lower = more potent)
    inhibition = "inhibition"  # % knockdown = 100 − remaining
    fraction = "fraction"  # knockdown as a fraction in [0, 1] = 1 − remaining/100


def to_remaining_pct(values: Iterable[float] | pd.Series, kind: LabelKind | str) -> pd.Series:
    """Convert efficacy values of convention ``kind`` to % mRNA remaining.

    remaining → x; inhibition (%) → 100 − x; fraction of knockdown → 100·(1 − x).
    """
    series = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values.astype("float64")
    kind = LabelKind(kind)
    if kind is LabelKind.remaining:
        return series
    converted = 100.0 - series if kind is LabelKind.inhibition else 100.0 * (1.0 - series)
    # Round away binary noise (100 − 98.9 = 1.0999999999999943) so values read as measured.
    return converted.round(10)


def canonical_frame(
    columns: dict[str, object], n_rows: int, source_columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Build a canonical table from a partial ``{column: values}``; absent columns are missing.

    Unknown keys are kept after the canonical columns (e.g. a dataset's reference scores).
    ``source_columns`` (canonical name → the column of the user's file it was read from) travels with
    the table (``attrs``), so that errors found later name the column the user knows: see :func:`file_column`.
    """
    data: dict[str, object] = {}
    for name in CANONICAL_COLUMNS:
        values = columns.get(name)
        if name in FLOAT_COLUMNS:
            data[name] = np.full(n_rows, np.nan) if values is None else values
        else:
            # Python objects, not Arrow strings: a transcript repeated on thousands of rows is then
            # one shared string, not thousands of copies (one shared transcript is 3.7 Mb).
            data[name] = pd.Series([None] * n_rows if values is None else list(values), dtype="object")
    extra = {k: v for k, v in columns.items() if k not in CANONICAL_COLUMNS}
    frame = pd.DataFrame({**data, **extra})
    if len(frame) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(frame)}")
    for name in FLOAT_COLUMNS:
        frame[name] = pd.to_numeric(frame[name], errors="raise").astype("float64")
    for name in STRING_COLUMNS:
        frame[name] = frame[name].where(frame[name].notna(), None)
    frame.attrs[SOURCE_COLUMNS] = dict(source_columns or {})
    return frame


def file_column(table: pd.DataFrame, canonical: str) -> str:
    """The name of ``canonical``'s column in the file ``table`` was read from (else ``canonical`` itself)."""
    return table.attrs.get(SOURCE_COLUMNS, {}).get(canonical, canonical)


def rna_strings(values: Iterable[object]) -> list[str | None]:
    """Normalise a column of strands or transcripts to RNA (missing stays None).

    Each distinct value is normalised once and every row holding it gets the same string object,
    so a transcript repeated on thousands of rows is stored (and hashed) once.
    """
    normalised: dict[str, str] = {}
    out: list[str | None] = []
    for value in values:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(None)
            continue
        text = str(value)
        if text not in normalised:
            normalised[text] = normalise_rna(text)
        out.append(normalised[text])
    return out


def check_label_kind(kind: str, *, file: str | None = None) -> LabelKind:
    """Parse a ``--label-kind`` value, with a clear error for an unknown one."""
    try:
        return LabelKind(kind)
    except ValueError:
        raise ValueRangeError(
            f"unknown label kind {kind!r} (expected remaining, inhibition or fraction)", file=file
        ) from None


def numeric_labels(
    values: pd.Series, *, file: str, column: str, kind: LabelKind | str = LabelKind.remaining
) -> pd.Series:
    """Labels of convention ``kind`` as % mRNA remaining (empty cells → NaN); raise naming the first
    cell that is not a number, or not a finite one once converted (1e308 as a fraction is −infinity)."""
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numeric.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise InputFormatError(f"label {values.iloc[row - 1]!r} is not a number", file=file, row=row, column=column)
    remaining = to_remaining_pct(numeric, kind)
    infinite = np.isinf(remaining.to_numpy())
    if infinite.any():
        row = int(infinite.nonzero()[0][0]) + 1
        value = values.iloc[row - 1]
        shown = repr(value) if isinstance(value, str) else str(value)
        raise InputFormatError(f"label {shown} is not a finite number" + (
            "" if LabelKind(kind) is LabelKind.remaining else f" as % mRNA remaining (from {LabelKind(kind).value})"),
            file=file, row=row, column=column)
    return remaining
