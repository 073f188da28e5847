"""A design's candidate table as TSV, the bytes ``DataFrame.to_csv(sep="\\t", index=False, float_format=…)``
writes, a column at a time.

pandas formats such a table cell by cell through its generic writer: about 2 CPU s for a 100 kb target's
100,000 candidates, on the serial end of a design. Formatting each column with one list comprehension
gives the same text several times faster. Columns of a kind this does not know (nullable integers,
categories, strings that would need quoting…), and a table of fewer than two columns (the csv module
quotes an empty lone field), send the whole table to pandas, so the file is always
pandas' (a test compares the two on designs and on every kind of column handled).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

_NEEDS_QUOTES = ("\t", '"', "\n", "\r")  # csv.QUOTE_MINIMAL quotes a field holding the separator, a quote or a newline


def _text(values: pd.Series, float_format: str) -> list[str] | None:
    """The column's cells as to_csv writes them, or None when it is not a kind handled here."""
    dtype = values.dtype
    if dtype == np.float64:
        return ["" if v != v else float_format % v for v in values.tolist()]  # v != v: NaN, written empty
    if dtype == np.int64 or dtype == np.bool_:
        return [str(v) for v in values.tolist()]
    if isinstance(dtype, pd.Int64Dtype):  # the rank: missing for candidates not ranked
        return ["" if v is pd.NA else str(v) for v in values.tolist()]
    if isinstance(dtype, pd.StringDtype) or dtype == object:
        cells = values.tolist()
        if not all(isinstance(v, str) or (isinstance(v, float) and v != v) or v is None for v in cells):
            return None
        text = ["" if not isinstance(v, str) else v for v in cells]
        return None if any(mark in cell for cell in text for mark in _NEEDS_QUOTES) else text
    return None


def write_tsv(frame: pd.DataFrame, path: Path, float_format: str = "%.4g") -> None:
    """``frame.to_csv(path, sep="\\t", index=False, float_format=float_format)``, the same bytes."""
    names = [str(name) for name in frame.columns]
    columns = [_text(frame.iloc[:, i], float_format) for i in range(frame.shape[1])]
    if frame.shape[1] < 2 or frame.columns.has_duplicates or any(c is None for c in columns) or any(m in n for n in names for m in _NEEDS_QUOTES):
        frame.to_csv(path, sep="\t", index=False, float_format=float_format)
        return
    end = os.linesep  # to_csv's line terminator
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(names) + end)
        handle.writelines("\t".join(row) + end for row in zip(*columns))
