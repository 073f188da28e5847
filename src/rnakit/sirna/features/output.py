"""Writing a feature matrix: Parquet (keeps categories) or CSV, chosen by the file name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.files import atomic_write


def check_output_path(path: Path) -> None:
    """Refuse an output name whose format is unknown, before any work is done."""
    if path.suffix.lower() not in (".parquet", ".csv"):
        raise InputFormatError("unknown output format: use a .parquet or .csv file name", file=str(path))


def write_features(matrix: pd.DataFrame, path: Path) -> None:
    """Write ``matrix`` to ``path`` (.parquet or .csv) only once complete."""
    check_output_path(path)
    suffix = path.suffix.lower()
    with atomic_write(path, "wb") as handle:
        if suffix == ".parquet":
            matrix.to_parquet(handle, index=False)
        else:
            matrix.to_csv(handle, index=False)
