"""One entry point from "what the user named" to the canonical siRNA table.

A source is a file (the competition format is recognised by its header; any other CSV/TSV is
read through :class:`ColumnOptions`) or the name of a registered dataset.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.sirna.columns import ColumnOptions  # re-exported: callers import it from here
from rnakit.sirna.conditions import concentrations_to_nm, hours_column
from rnakit.sirna.datasets import load_dataset, registry
from rnakit.sirna.datasets.sais import looks_like_competition_file, read_competition
from rnakit.sirna.schema import (
    CANONICAL_COLUMNS,
    canonical_frame,
    check_label_kind,
    numeric_labels,
    rna_strings,
)
from rnakit.tabular import read_delimited, require_columns


def _text(column: pd.Series) -> list[str | None]:
    return [str(v).strip() if pd.notna(v) else None for v in column]


def read_generic(path: str | os.PathLike[str], options: ColumnOptions, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a user's CSV/TSV through ``options`` into the canonical table."""
    file = str(path)
    raw = frame if frame is not None else read_delimited(path)
    if options.guide_col is None:
        raise InputFormatError(
            "cannot tell which column holds the guide (antisense) strand: pass --guide-col", file=file
        )
    if options.transcript_col and options.context_col:
        raise InputFormatError("give --transcript-col or --context-col, not both", file=file)
    kind = check_label_kind(options.label_kind, file=file)
    mapping = {
        "guide": options.guide_col, "passenger": options.passenger_col,
        "transcript": options.transcript_col, "context": options.context_col,
        "remaining_pct": options.label_col, "gene": options.gene_col, "group": options.group_col,
        "id": options.id_col, "concentration_nm": options.concentration_col,
        "hours": options.hours_col, "cell_line": options.cell_line_col,
    }
    require_columns(raw, [c for c in mapping.values() if c is not None], file=file)
    n = len(raw)
    columns: dict[str, object] = {"source": [Path(file).name] * n}
    for canonical, name in mapping.items():
        if name is None:
            continue
        values = raw[name]
        if canonical in ("guide", "passenger", "transcript", "context"):
            columns[canonical] = rna_strings(values)
        elif canonical == "remaining_pct":
            columns["remaining_pct"] = numeric_labels(values, file=file, column=name, kind=kind)
            columns["label_kind"] = [kind.value] * n
        elif canonical == "concentration_nm":
            columns[canonical] = concentrations_to_nm(values, options.concentration_unit, file=file, column=name)
        elif canonical == "hours":
            columns[canonical] = hours_column(values, file=file, column=name)
        else:
            columns[canonical] = _text(values)
    if "id" not in columns:
        stem = Path(file).name
        columns["id"] = [f"{stem}:{i}" for i in range(1, n + 1)]
    return canonical_frame(columns, n, source_columns={c: name for c, name in mapping.items() if name is not None})


def load_table(
    source: str | os.PathLike[str] | pd.DataFrame,
    options: ColumnOptions | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    allow_unknown_mods: bool = False,
) -> pd.DataFrame:
    """Read ``source`` (a file, a registered dataset name or a pandas DataFrame) into the canonical siRNA
    table. A DataFrame is read as a file with its columns would be (errors name it ``DataFrame``); one
    that already is a canonical table is returned as it is."""
    options = options or ColumnOptions()
    if isinstance(source, pd.DataFrame):
        return _from_frame(source, options, allow_unknown_mods)
    path = Path(source)
    if path.exists():
        if path.is_dir():
            raise InputFormatError("is a directory, expected a CSV/TSV file", file=str(source))
        raw = read_delimited(path)
        if options.given():
            return read_generic(path, options, frame=raw)
        if looks_like_competition_file(list(raw.columns)):
            return read_competition(path, allow_unknown_mods=allow_unknown_mods, frame=raw)
        raise InputFormatError(
            "not the competition format and no column mapping given: pass --guide-col "
            "(and --passenger-col, --label-col, … as needed)",
            file=str(source),
        )
    if str(source) in registry():
        if options.given():
            raise InputFormatError(
                "column options (--guide-col, …) apply to files, not to registered datasets", file=str(source)
            )
        return load_dataset(str(source), data_dir)
    raise InputFormatError(
        f"no such file, and not a known dataset (known: {', '.join(registry())})", file=str(source)
    )


#: How a DataFrame given in Python is named in error messages.
FRAME = "DataFrame"


def _from_frame(frame: pd.DataFrame, options: ColumnOptions, allow_unknown_mods: bool) -> pd.DataFrame:
    if options.given():
        return read_generic(FRAME, options, frame=frame)
    if set(CANONICAL_COLUMNS) <= set(frame.columns):
        return frame.copy()
    if looks_like_competition_file([str(c) for c in frame.columns]):
        return read_competition(FRAME, allow_unknown_mods=allow_unknown_mods, frame=frame)
    raise InputFormatError("neither a canonical table nor the competition format, and no column mapping given: "
                           "pass guide_col (and passenger_col, label_col, … as needed)", file=FRAME)
